"""`hatrack demo`: create the data folder and database, load the demo district, print one
sign-in per role, then serve the app with a background worker until Ctrl-C."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from hatrack.core.management.commands.serve import gunicorn_argv
from hatrack.demo import DemoRefused, check_erasable, load_demo

STOP_GRACE = 15.0
READY_TIMEOUT = 60.0


class Command(BaseCommand):
    help = (
        "Set up the demo district and serve it on 127.0.0.1:8000 with a background worker. "
        "Running it again keeps the data; --fresh rebuilds it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--fresh", action="store_true", help="Erase the demo database and build it again."
        )
        parser.add_argument("--host", default="127.0.0.1", help="Address to serve on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on.")
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Set up and load the demo district, print the sign-ins, and exit.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo district is fictional: hatrack demo refuses to run "
                               "with HATRACK_ENV=production.")  # fmt: skip
        started = time.monotonic()
        address = f"http://{options['host']}:{options['port']}/"
        if not options["no_serve"]:
            self.ensure_port_free(options["host"], options["port"])
        self.prepare_database(fresh=options["fresh"])
        self.print_sign_ins(address)
        self.stdout.write(f"Set up in {time.monotonic() - started:.1f} s.")
        if options["no_serve"]:
            return
        sys.exit(self.serve(options["host"], options["port"], address, started))

    def prepare_database(self, *, fresh: bool) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        sqlite = connections["default"].vendor == "sqlite"
        if fresh and sqlite:
            self.erase_sqlite()
        self.stdout.write("Preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        try:
            outcome = load_demo(fresh=fresh and not sqlite, stdout=self.stdout)
        except DemoRefused as refused:
            raise CommandError(str(refused)) from refused
        detail = f" ({outcome.seconds:.1f} s)" if outcome.loaded else ""
        self.stdout.write(outcome.message + detail)
        if not outcome.loaded and not fresh:
            self.stdout.write("Run `hatrack demo --fresh` to rebuild it.")

    def erase_sqlite(self) -> None:
        try:
            check_erasable()
        except DemoRefused as refused:
            raise CommandError(str(refused)) from refused
        except DatabaseError:
            pass  # no tables yet: nothing to protect
        connections.close_all()
        name = Path(settings.DATABASES["default"]["NAME"])
        for path in (name, Path(f"{name}-wal"), Path(f"{name}-shm")):
            path.unlink(missing_ok=True)
        self.stdout.write(f"Erased {name}.")

    def print_sign_ins(self, address: str) -> None:
        from hatrack.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
        from hatrack.accounts.models import User

        names = [a.username for a in DEMO_ACCOUNTS]
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        self.stdout.write(f"\nHatrack: {address}\n")
        if not users:
            return
        self.stdout.write(f"Sign in as (every demo password is {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            if user := users.get(account.username):
                self.stdout.write(
                    f"  {account.role.label:<18} username {user.username:<11} "
                    f"password {DEMO_PASSWORD}   ({user.get_full_name()})"
                )
        self.stdout.write("")

    def ensure_port_free(self, host: str, port: int) -> None:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as error:
                raise CommandError(
                    f"Cannot serve on {host}:{port} ({error.strerror}). "
                    f"Is Hatrack already running? Try --port {port + 1}."
                ) from error

    def serve(self, host: str, port: int, address: str, started: float) -> int:
        """Run gunicorn and a worker as children; stop both when either stops or on a signal."""
        connections.close_all()
        stop = Stop()
        stop.listen()
        env = {**os.environ, "ALLOWED_HOSTS": allowed_hosts(host)}
        web = subprocess.Popen(  # noqa: S603  (fixed program: this Python)
            gunicorn_argv(bind=f"{host}:{port}", workers=2, threads=4, preload=True),
            env=env,
            preexec_fn=die_with_parent,  # safe: this process runs no threads
        )
        worker = subprocess.Popen(
            [sys.executable, "-m", "hatrack.cli", "worker", "--skip-checks"],
            env=env,
            preexec_fn=die_with_parent,
        )
        self.stdout.write(f"Web server pid {web.pid}, background worker pid {worker.pid}.")
        children = {"web server": web, "worker": worker}
        if wait_until_listening(host, port, children, stop):
            self.stdout.write(
                f"Ready in {time.monotonic() - started:.1f} s: open {address} (Ctrl-C stops it)."
            )
        code = stop.wait_for(children)
        self.stdout.write("Stopping the web server and the worker…")
        stop_all(children.values())
        return code


class Stop:
    """Remembers a SIGINT/SIGTERM instead of dying, so the children are stopped first."""

    def __init__(self) -> None:
        self.requested = False

    def listen(self) -> None:
        signal.signal(signal.SIGINT, self.request)
        signal.signal(signal.SIGTERM, self.request)

    def request(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True

    def wait_for(self, children: dict[str, subprocess.Popen[bytes]]) -> int:
        """Block until a signal (exit 0) or until a child exits by itself (its code, or 1)."""
        while not self.requested:
            for name, child in children.items():
                if child.poll() is not None:
                    sys.stderr.write(f"The {name} stopped (exit code {child.returncode}).\n")
                    return child.returncode or 1
            time.sleep(0.2)
        return 0


def die_with_parent() -> None:
    """On Linux, have the kernel send the child SIGTERM if `hatrack demo` itself is killed
    outright (SIGKILL), so no orphaned server keeps the port or the database busy."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def allowed_hosts(host: str) -> str:
    if host in {"0.0.0.0", "::"}:  # noqa: S104  (the demo asked to listen everywhere)
        return "*"
    return ",".join(sorted({"127.0.0.1", "localhost", host}))


def wait_until_listening(
    host: str, port: int, children: dict[str, subprocess.Popen[bytes]], stop: Stop
) -> bool:
    target = "127.0.0.1" if host in {"0.0.0.0", ""} else host  # noqa: S104
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and not stop.requested:
        if any(child.poll() is not None for child in children.values()):
            return False
        try:
            with socket.create_connection((target, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def stop_all(children: Any) -> None:
    """SIGTERM each child, wait for them to finish their current work, then SIGKILL."""
    alive = [child for child in children if child.poll() is None]
    for child in alive:
        child.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for child in alive:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
