"""Periodic jobs for the worker: "poll the mailboxes every minute", "sweep SLAs every 5".

Apps declare jobs in their AppConfig.ready with `every(seconds, task, name=...)`; each
worker's heartbeat thread calls `enqueue_due_jobs()`, which enqueues every due job's task
once, however many workers there are: a job is taken by a conditional UPDATE of its
`ScheduledJob` row (next_run_at moves forward only if it still holds the value we read),
and only the worker whose UPDATE matched enqueues it. A job whose previous round is still
queued or running is not enqueued again, so a slow round never piles up behind itself.
Tasks run by schedule take no arguments and must be idempotent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hatrack.core.models import ScheduledJob

logger = logging.getLogger("hatrack.schedule")


@dataclass(frozen=True)
class Job:
    name: str
    seconds: float
    task: Any  # a django-tasks Task taking no arguments


JOBS: dict[str, Job] = {}


def every(seconds: float, task: Any, *, name: str) -> Job:
    """Declare that `task` runs every `seconds` (at most one round queued at a time)."""
    if seconds <= 0:
        raise ValueError("A periodic job needs a positive interval.")
    job = Job(name=name, seconds=seconds, task=task)
    JOBS[name] = job
    return job


def _round_pending(job: Job) -> bool:
    return DBTaskResult.objects.filter(
        task_path=job.task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).exists()


def _claim(job: Job, now: datetime) -> bool:
    """Move the job's clock forward if it is due; True when this caller won the round."""
    row = ScheduledJob.objects.filter(name=job.name).first()
    if row is None:
        try:
            with transaction.atomic():
                ScheduledJob.objects.create(name=job.name, next_run_at=now)
        except IntegrityError:
            return False  # another worker created it a moment ago; its round
        row = ScheduledJob.objects.get(name=job.name)
    if row.next_run_at > now:
        return False
    claimed = ScheduledJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
        next_run_at=now + timedelta(seconds=job.seconds), last_enqueued_at=now
    )
    return bool(claimed)


def enqueue_due_jobs(*, now: datetime | None = None) -> list[str]:
    """Enqueue each due job's task once across all workers; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in JOBS.values():
        if not _claim(job, now) or _round_pending(job):
            continue
        job.task.enqueue()
        enqueued.append(job.name)
        logger.debug("Enqueued periodic job %s", job.name)
    return enqueued
