"""Background work: the `hatrack worker` loop, its heartbeat, and recovery of stuck tasks.

Tasks go through Django's Tasks API into the `django_tasks_db` table; any number of
workers, on any machines that reach the database, share that queue through row locks.
The loop itself is django_tasks_db's `Worker` (claim one task, run it, record success or
the exception with its traceback). Hatrack adds what that backend lacks:

- a heartbeat: each worker keeps a `WorkerHeartbeat` row fresh from a small thread, so
  a long task (a 500,000-row import) does not make its worker look dead;
- recovery: a task left RUNNING by a worker that has gone quiet for longer than
  `HATRACK_WORKER_STALE_AFTER` seconds (killed, crashed, machine lost) is handed back to
  the queue, by a conditional UPDATE so two workers cannot both reclaim it. A task that
  has lost its worker `MAX_ATTEMPTS` times is recorded as failed instead, so one task
  that kills its worker cannot take every worker down in turn.

Workers compare heartbeats with their own clocks: keep the machines' clocks in sync
(NTP) to well within the stale-after time. A worker whose process is still running on
the same machine is never presumed dead, whatever its heartbeat says.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus, task_finished
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from hatrack.core.models import WorkerHeartbeat
from hatrack.core.schedule import enqueue_due_jobs

logger = logging.getLogger("hatrack.worker")

# Attempts (claims by a worker) after which a task whose worker died is failed, not retried.
MAX_ATTEMPTS = 3
# Heartbeat rows of workers silent this long are removed from the workers list.
FORGET_WORKERS_AFTER = timedelta(days=1)
# A second stop signal this soon after the first is the same request delivered twice
# (the terminal's Ctrl-C reaches `hatrack demo` and its worker child at once).
REPEATED_SIGNAL_WINDOW = 2.0

WORKER_LOST_PATH = "hatrack.core.worker.WorkerLost"


class WorkerLost(Exception):
    """The worker running a task stopped answering, too many times for the task to be retried."""


@dataclass
class Reclaimed:
    """What one pass of `reclaim_stuck_tasks` did, by task id."""

    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def new_worker_id() -> str:
    """Unique across the pool and readable in the workers list: host, process id, a nonce."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


def beat(*, worker_id: str, started_at: datetime, now: datetime | None = None) -> None:
    """Record that the worker is alive (one UPDATE; an INSERT the first time)."""
    now = now or timezone.now()
    if WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now):
        return
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname=socket.gethostname()[:255],
        pid=os.getpid(),
        started_at=started_at,
        last_seen=now,
    )


def sign_off(*, worker_id: str) -> None:
    """Remove a worker that stopped cleanly from the list of workers."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def forget_dead_workers(*, now: datetime | None = None) -> int:
    """Drop heartbeat rows of workers silent for a day; returns how many."""
    cutoff = (now or timezone.now()) - FORGET_WORKERS_AFTER
    deleted, _ = WorkerHeartbeat.objects.filter(last_seen__lt=cutoff).delete()
    return deleted


def _is_stuck(
    worker_ids: list[str],
    started_at: datetime | None,
    seen: dict[str, WorkerHeartbeat],
    cutoff: datetime,
) -> bool:
    """Stuck when the last worker's heartbeat is older than the cutoff, or, for a worker that
    never kept one (a plain `db_worker`, or one whose row was forgotten), when the task
    started before the cutoff. A worker process still alive on this machine is never
    presumed dead: on SQLite a long import transaction can hold up its heartbeat."""
    owner = seen.get(worker_ids[-1]) if worker_ids else None
    if owner is None:
        return started_at is None or started_at < cutoff
    return owner.last_seen < cutoff and not worker_alive_here(owner.hostname, owner.pid)


def worker_alive_here(hostname: str, pid: int) -> bool:
    """True when `pid` on this host is a running (not exited) `hatrack worker` process."""
    if hostname != socket.gethostname() or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.parent.exists():
        return True
    try:
        # An exited process not yet reaped (a zombie) has an empty command line.
        return b"worker" in cmdline.read_bytes()
    except OSError:
        return False


def running_claims() -> list[tuple[Any, list[str], datetime | None]]:
    """Every RUNNING task as (id, worker ids so far, when its current claim started)."""
    return list(DBTaskResult.objects.running().values_list("id", "worker_ids", "started_at"))


def reclaim_stuck_tasks(*, stale_after: float, now: datetime | None = None) -> Reclaimed:
    """Hand tasks whose worker has gone quiet back to the queue (or fail them after
    MAX_ATTEMPTS). Safe to run from every worker at once: each task is taken back by
    one UPDATE conditioned on the claim it had (still RUNNING, same `started_at`), so
    only one reclaimer wins, and a task claimed again meanwhile is left alone."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=stale_after)
    running = running_claims()
    owners = {ids[-1] for _, ids, _ in running if ids}
    seen = {
        beat.worker_id: beat
        for beat in WorkerHeartbeat.objects.filter(worker_id__in=owners).only(
            "worker_id", "hostname", "pid", "last_seen"
        )
    }
    outcome = Reclaimed()
    for task_id, worker_ids, started_at in running:
        if not _is_stuck(worker_ids, started_at, seen, cutoff):
            continue
        claim = DBTaskResult.objects.filter(
            id=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        if len(worker_ids) >= MAX_ATTEMPTS:
            if _fail_lost(claim, task_id=task_id, attempts=len(worker_ids), now=now):
                outcome.failed.append(str(task_id))
        elif claim.update(status=TaskResultStatus.READY, started_at=None):
            outcome.requeued.append(str(task_id))
            logger.warning(
                "Task %s was running on worker %s, which stopped answering; back in the queue",
                task_id,
                worker_ids[-1] if worker_ids else "(unknown)",
            )
    return outcome


def _fail_lost(claim: Any, *, task_id: Any, attempts: int, now: datetime) -> bool:
    message = (
        f"{WORKER_LOST_PATH}: the worker running this task stopped answering "
        f"{attempts} times (killed, out of memory, or its machine was lost). "
        "It was not retried again; look at the workers' logs, then enqueue it again."
    )
    if not claim.update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=WORKER_LOST_PATH,
        traceback=message,
        return_value=None,
    ):
        return False
    result = DBTaskResult.objects.get(id=task_id)
    logger.error("Task %s failed: %s", result.id, message)
    _announce_finished(result)
    return True


def _announce_finished(result: DBTaskResult[Any, Any]) -> None:
    """Send `task_finished` as a worker would, so listeners (import progress) learn of it."""
    try:
        task_result = result.task_result
        sender = type(result.task.get_backend())
    except (ImportError, ValueError, LookupError):
        logger.exception("Task %s no longer points to importable code", result.id)
        return
    task_finished.send(sender=sender, task_result=task_result)


class HatrackWorker(Worker):
    """django_tasks_db's worker loop, with a heartbeat thread and recovery of stuck tasks."""

    def __init__(
        self, *, stale_after: float, pulse: bool = True, checks: bool | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("worker_id", new_worker_id())
        kwargs.setdefault("startup_delay", False)
        kwargs.setdefault("max_tasks", None)
        kwargs.setdefault("excluded_queue_names", [])
        super().__init__(**kwargs)
        self.stale_after = stale_after
        # Several beats fit in the stale-after time, so one slow write is not a death.
        self.beat_every = max(0.2, min(5.0, stale_after / 4))
        self.reclaim_every = max(self.beat_every, min(30.0, stale_after / 2))
        self.pulse = pulse
        # The health-check loop (systems.checks.loop) runs in a thread of this process.
        self.checks = settings.HATRACK_CHECKS_ENABLED if checks is None else checks
        self.check_loop: Any = None
        self.started_at = timezone.now()
        self._stopping = threading.Event()
        self._stop_requested_at: float | None = None

    def run(self) -> None:
        self.beat()
        self.schedule()
        self.reclaim()
        pulse = threading.Thread(target=self._pulse, name="hatrack-heartbeat", daemon=True)
        if self.pulse:
            pulse.start()
        self._start_checks()
        try:
            super().run()
        finally:
            self._stopping.set()
            if self.check_loop is not None:
                self.check_loop.stop()
            if pulse.is_alive():
                pulse.join(timeout=self.beat_every + 5)
            self._sign_off()

    def _start_checks(self) -> None:
        if not self.checks:
            return
        from hatrack.systems.checks.loop import CheckLoop

        self.check_loop = CheckLoop()
        self.check_loop.start()

    def beat(self) -> None:
        beat(worker_id=self.worker_id, started_at=self.started_at)

    def schedule(self) -> list[str]:
        """Enqueue the periodic jobs that are due (once across all workers)."""
        return enqueue_due_jobs()

    def reclaim(self) -> Reclaimed:
        outcome = reclaim_stuck_tasks(stale_after=self.stale_after)
        forget_dead_workers()
        return outcome

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        now = time.monotonic()
        if self._stop_requested_at is not None and now - self._stop_requested_at < (
            REPEATED_SIGNAL_WINDOW
        ):
            return
        self._stop_requested_at = now
        super().shutdown(signum, frame)

    def _pulse(self) -> None:
        """Beat every few seconds and reclaim now and then, from this thread's own connection."""
        next_reclaim = time.monotonic() + self.reclaim_every
        while not self._stopping.wait(self.beat_every):
            close_old_connections()
            try:
                self.beat()
                self.schedule()
                if time.monotonic() >= next_reclaim:
                    next_reclaim = time.monotonic() + self.reclaim_every
                    self.reclaim()
            except DatabaseError:
                logger.warning("Heartbeat of worker %s failed; retrying", self.worker_id)
        connection.close()

    def _sign_off(self) -> None:
        try:
            sign_off(worker_id=self.worker_id)
        except DatabaseError:
            logger.warning("Worker %s could not sign off; its row will go stale", self.worker_id)
