"""`hatrack worker`: run background tasks and periodic jobs (imports, mail in and out, SLA
warnings, incident escalation) and the health-check loop."""

from __future__ import annotations

import logging
import math
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, task_backends

from hatrack.core.worker import HatrackWorker, new_worker_id


def seconds(value: str) -> float:
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ArgumentTypeError("give a number of seconds, zero or more")
    return number


def worker_id(value: str) -> str:
    if not value or len(value) > 64:
        raise ArgumentTypeError("a worker id has 1 to 64 characters")
    return value


class Command(BaseCommand):
    help = (
        "Run background tasks until stopped (SIGTERM or Ctrl-C finish the current task first). "
        "Run several, on one or more machines: they share the queue."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--queue",
            default="default",
            help="Queues to take tasks from, comma separated, or * for all (default: default).",
        )
        parser.add_argument(
            "--interval",
            type=seconds,
            default=1.0,
            help="Seconds to wait before looking again when the queue is empty (default: 1).",
        )
        parser.add_argument(
            "--batch", action="store_true", help="Run the tasks waiting now, then exit."
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="Exit after running this many tasks."
        )
        parser.add_argument(
            "--worker-id",
            type=worker_id,
            default=None,
            help="Unique name of this worker (default: host, process id and a random suffix).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["max_tasks"] is not None and options["max_tasks"] < 1:
            raise CommandError("--max-tasks must be 1 or more.")
        queues = [q.strip() for q in options["queue"].split(",") if q.strip()]
        if not queues:
            raise CommandError("--queue needs at least one queue name (or * for all).")
        if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
            raise CommandError(
                "TASKS_BACKEND is not django_tasks_db.DatabaseBackend: tasks run without a worker."
            )
        level = {0: logging.ERROR, 1: logging.INFO}.get(options["verbosity"], logging.DEBUG)
        for name in ("hatrack.worker", "django_tasks_db", "django_tasks"):
            logging.getLogger(name).setLevel(level)
        worker = HatrackWorker(
            stale_after=settings.HATRACK_WORKER_STALE_AFTER,
            queue_names=queues,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or new_worker_id(),
        )
        worker.configure_signals()
        worker.run()
