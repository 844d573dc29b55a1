"""The `hatrack` command: Hatrack's own commands, and every Django management command.

`hatrack import-oneroster` runs the `import_oneroster` management command (dashes are
accepted for underscores); anything else is handed to Django as it is, so
`hatrack check --deploy`, `hatrack shell` and `hatrack makemigrations` work too.
"""

from __future__ import annotations

import os
import subprocess
import sys

COMMANDS = [
    ("demo", "set up, load and serve the demo district with a background worker [--fresh]"),
    ("serve", "serve Hatrack with gunicorn (production) [--workers N] [--bind ADDR]"),
    ("worker", "run background tasks such as imports; run one or more [--batch]"),
    ("migrate", "create or upgrade the database"),
    ("createadmin", "create a Technology leader account"),
    ("import-oneroster", "import a OneRoster 1.1 CSV folder or zip, with a progress bar"),
    ("import-devices", "import a Google Admin, Intune or CSV/XLSX device export [--dry-run]"),
    ("ingest-mail", "record one email from standard input as a ticket or reply (for pipes)"),
]

USAGE = """usage: hatrack COMMAND [options]

Hatrack commands:
{commands}

Any other Django management command also works, e.g. `hatrack check --deploy`,
`hatrack shell` or `hatrack changepassword`; `hatrack help --commands` lists them all
and `hatrack help COMMAND` (or `hatrack COMMAND --help`) explains one.
Configuration comes from environment variables or a .env file (see the README).
"""


def usage() -> str:
    width = max(len(name) for name, _ in COMMANDS)
    lines = "\n".join(f"  {name:<{width}}  {text}" for name, text in COMMANDS)
    return USAGE.format(commands=lines)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args in (["-h"], ["--help"], ["help"]):
        sys.stdout.write(usage())
        return
    command = args[0] if args[0].startswith("-") else args[0].replace("-", "_")
    standin = None
    if command == "demo":
        # The demo shows detailed error pages; settings read DEBUG when Django starts.
        os.environ["DEBUG"] = "true"
        # The demo's health checks call the stand-in service on loopback, which checks may
        # reach only when allowed: settings add loopback for this process and its worker
        # child alone (they inherit the environment), to whatever networks are configured;
        # `hatrack serve` and `hatrack worker` in production never pass through here.
        os.environ["HATRACK_DEMO_LOOPBACK_CHECKS"] = "true"
        if not {"--no-serve", "-h", "--help"} & set(args):
            standin = start_standin()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hatrack.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["hatrack", command, *args[1:]])
    finally:
        if standin is not None:
            stop_standin(standin)


def start_standin() -> subprocess.Popen[bytes]:
    """The demo's stand-in service (hatrack.systems.standin), a child process started
    before the web server and worker. A port already taken only logs a warning."""
    return subprocess.Popen([sys.executable, "-m", "hatrack.systems.standin"])


def stop_standin(standin: subprocess.Popen[bytes]) -> None:
    if standin.poll() is None:
        standin.terminate()
    try:
        standin.wait(timeout=5)
    except subprocess.TimeoutExpired:
        standin.kill()
        standin.wait()


if __name__ == "__main__":
    main()
