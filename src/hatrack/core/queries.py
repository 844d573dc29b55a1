"""Reads shared across apps that belong to no district domain."""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import CharField, Count, Min, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hatrack.core.models import WorkerHeartbeat


def task_backlog() -> dict[str, Any]:
    """Queued and running task counts, the oldest queued task's age, and live workers."""
    now = timezone.now()
    rows = (
        DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
        .values("status")
        .annotate(n=Count("id"), oldest=Min("enqueued_at"))
    )
    by_status: dict[str, dict[str, Any]] = {row["status"]: dict(row) for row in rows}
    queued = by_status.get("READY", {})
    oldest = queued.get("oldest")
    return {
        "queued": queued.get("n", 0),
        "running": by_status.get("RUNNING", {}).get("n", 0),
        "oldest_queued_seconds": int((now - oldest).total_seconds()) if oldest else 0,
        "workers_alive": WorkerHeartbeat.objects.filter(
            last_seen__gte=now - timedelta(seconds=settings.HATRACK_WORKER_STALE_AFTER)
        ).count(),
    }


# --- Background tasks: the task list for leaders -----------------------------------

# Task ids are UUIDs, which keyset cursors do not carry; their text form sorts the same way
# within one database, so it serves as the unique last sort key.
TASK_ORDER = ("-enqueued_at", "-id_text")
TASK_STATUSES = [
    ("READY", "Queued"),
    ("RUNNING", "Running"),
    ("FAILED", "Failed"),
    ("SUCCESSFUL", "Succeeded"),
]
TASK_LIST_FIELDS = (
    "id",
    "status",
    "task_path",
    "queue_name",
    "enqueued_at",
    "started_at",
    "finished_at",
    "worker_ids",
    "exception_class_path",
)
WORKERS_SHOWN = 50


def task_results(*, status: str = "") -> QuerySet[DBTaskResult[Any, Any]]:
    """Task results with the columns the list shows, optionally of one status."""
    tasks = DBTaskResult.objects.only(*TASK_LIST_FIELDS).annotate(
        id_text=Cast("id", output_field=CharField())
    )
    return tasks.filter(status=status) if status else tasks


def get_task_result(task_id: UUID) -> DBTaskResult[Any, Any] | None:
    return DBTaskResult.objects.filter(id=task_id).first()


def recent_workers() -> list[WorkerHeartbeat]:
    """Workers heard from lately, newest first (dead ones are forgotten after a day)."""
    return list(WorkerHeartbeat.objects.order_by("-last_seen", "worker_id")[:WORKERS_SHOWN])
