"""Background tasks for Technology leaders: what is queued, running, failed or done, and
which workers are alive. A failed task's page shows its error and traceback.

A list page costs a fixed number of queries whatever its length: the page of tasks, a
bounded count, and the workers.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from uuid import UUID

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from hatrack.core.lists import count_label, keyset_page
from hatrack.core.models import WorkerHeartbeat
from hatrack.core.permissions import requires
from hatrack.core.queries import (
    TASK_ORDER,
    TASK_STATUSES,
    get_task_result,
    recent_workers,
    task_results,
)

STATUS_LABELS = dict(TASK_STATUSES)
STATUS_BADGES = {
    "READY": "badge-muted",
    "RUNNING": "",
    "FAILED": "badge-danger",
    "SUCCESSFUL": "badge-success",
}


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *TASK_STATUSES]
    )


@lru_cache(maxsize=256)
def task_label(task_path: str) -> str:
    """The first line of the task function's docstring, else its name."""
    try:
        doc = import_string(task_path).func.__doc__ or ""
    except (ImportError, AttributeError):
        doc = ""
    first = doc.strip().splitlines()[0].rstrip(".") if doc.strip() else ""
    return first or task_path.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def _duration(start: datetime | None, end: datetime | None) -> str:
    if not start:
        return ""
    seconds = int(((end or timezone.now()) - start).total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def task_row(task: DBTaskResult[Any, Any]) -> dict[str, Any]:
    return {
        "id": task.id,
        "url": reverse("tasks:detail", args=[task.id]),
        "label": task_label(task.task_path),
        "path": task.task_path,
        "status": task.status,
        "status_label": STATUS_LABELS.get(task.status, task.status),
        "badge": STATUS_BADGES.get(task.status, ""),
        "queue": task.queue_name,
        "enqueued_at": task.enqueued_at,
        "started_at": task.started_at,
        "finished_at": task.finished_at,
        "duration": _duration(task.started_at, task.finished_at),
        "attempts": len(task.worker_ids),
        "error": task.exception_class_path.rsplit(".", 1)[-1],
    }


def worker_rows(workers: list[WorkerHeartbeat]) -> list[dict[str, Any]]:
    alive_since = timezone.now() - timedelta(seconds=settings.HATRACK_WORKER_STALE_AFTER)
    return [
        {
            "id": w.worker_id,
            "hostname": w.hostname,
            "pid": w.pid,
            "started_at": w.started_at,
            "last_seen": w.last_seen,
            "alive": w.last_seen >= alive_since,
        }
        for w in workers
    ]


@requires("tasks.view")
def task_list(request: HttpRequest) -> HttpResponse:
    filters = TaskFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    tasks = task_results(status=status)
    page = keyset_page(
        tasks, order=TASK_ORDER, after=request.GET.get("after"), before=request.GET.get("before")
    )
    context = {
        "filters": filters,
        "filtered": bool(status),
        "page": page,
        "rows": [task_row(task) for task in page.rows],
        "count": count_label(tasks),
        "workers": worker_rows(recent_workers()),
        "stale_after": settings.HATRACK_WORKER_STALE_AFTER,
    }
    template = "core/task_list.html#results" if request.htmx else "core/task_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@requires("tasks.view")
def task_detail(request: HttpRequest, task_id: UUID) -> HttpResponse:
    task = get_task_result(task_id)
    if task is None:
        raise Http404("No such task.")
    context = {
        "task": task_row(task),
        "worker_ids": task.worker_ids,
        "arguments": json.dumps(task.args_kwargs, indent=2, ensure_ascii=False),
        "return_value": (
            json.dumps(task.return_value, indent=2, ensure_ascii=False)
            if task.return_value is not None
            else ""
        ),
        "exception_class_path": task.exception_class_path,
        "traceback": task.traceback,
    }
    return render(request, "core/task_detail.html", context)
