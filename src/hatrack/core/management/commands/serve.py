"""`hatrack serve`: Hatrack under gunicorn, the way a district runs it in production."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def default_workers() -> int:
    """WEB_CONCURRENCY when set (as on most hosts), else gunicorn's advice: 2 x cores + 1."""
    value = os.environ.get("WEB_CONCURRENCY", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return 2 * (os.cpu_count() or 1) + 1


def gunicorn_argv(
    *, bind: str, workers: int, threads: int = 1, timeout: int = 120, preload: bool = False
) -> list[str]:
    """The gunicorn command line serving hatrack.wsgi, logging requests to stdout."""
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "hatrack.wsgi:application",
        f"--bind={bind}",
        f"--workers={workers}",
        f"--threads={threads}",
        # Uploads of large OneRoster zips take a while on slow links.
        f"--timeout={timeout}",
        "--access-logfile=-",
        "--error-logfile=-",
        # No control socket in the home folder: it may be read-only, and two servers clash.
        "--no-control-socket",
    ]
    if preload:
        argv.append("--preload")
    return argv


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Serve Hatrack with gunicorn. With HATRACK_ENV=production, collects static files into "
        "the data folder first. Put it behind a TLS-terminating proxy or load balancer."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("HATRACK_BIND", "127.0.0.1:8000"),
            help="Address to listen on, host:port or unix:PATH (default: 127.0.0.1:8000).",
        )
        parser.add_argument(
            "--workers",
            type=positive,
            default=default_workers(),
            help="Worker processes (default: WEB_CONCURRENCY, else 2 x CPU cores + 1).",
        )
        parser.add_argument(
            "--threads", type=positive, default=1, help="Threads per worker (default: 1)."
        )
        parser.add_argument(
            "--timeout",
            type=positive,
            default=120,
            help="Seconds before a silent worker is restarted (default: 120).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            self.stdout.write(f"Collecting static files into {settings.STATIC_ROOT}")
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = gunicorn_argv(
            bind=options["bind"],
            workers=options["workers"],
            threads=options["threads"],
            timeout=options["timeout"],
        )
        connections.close_all()
        self.stdout.flush()
        try:
            # gunicorn takes this process's place, so signals from systemd reach it directly.
            os.execv(sys.executable, argv)  # noqa: S606  (fixed program: this Python, gunicorn)
        except OSError as error:
            raise CommandError(f"Could not start gunicorn: {error}") from error
