"""Reads shared across apps that belong to no district domain."""

from typing import Any

from django_tasks_db.models import DBTaskResult

from hatrack.core.models import WorkerHeartbeat


def task_backlog() -> dict[str, Any]:
    """Queued and running task counts, and the age in seconds of the oldest queued task."""
    from django.db.models import Count, Min
    from django.utils import timezone

    rows = (
        DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
        .values("status")
        .annotate(n=Count("id"), oldest=Min("enqueued_at"))
    )
    by_status = {row["status"]: row for row in rows}
    oldest = by_status.get("READY", {}).get("oldest")
    stale_after = timezone.now() - timezone.timedelta(minutes=2)
    return {
        "queued": by_status.get("READY", {}).get("n", 0),
        "running": by_status.get("RUNNING", {}).get("n", 0),
        "oldest_queued_seconds": int((timezone.now() - oldest).total_seconds()) if oldest else 0,
        "workers_alive": WorkerHeartbeat.objects.filter(last_seen__gte=stale_after).count(),
    }
