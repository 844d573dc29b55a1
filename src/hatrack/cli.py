"""The `hatrack` command: demo, serve, worker, migrate, createadmin, import-oneroster,
and every Django management command by its own name."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hatrack.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hatrack", *args])


if __name__ == "__main__":
    main()
