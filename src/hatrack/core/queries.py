"""Reads shared across apps that belong to no district domain."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Min
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
            last_seen__gte=now - timedelta(minutes=2)
        ).count(),
    }
