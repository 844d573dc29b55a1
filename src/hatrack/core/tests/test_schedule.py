"""Periodic jobs: each due round is enqueued once, however many workers look."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from hatrack.core import schedule
from hatrack.core.models import ScheduledJob


@task()
def tick() -> None:
    """A periodic job for these tests."""


@pytest.fixture
def job(monkeypatch):
    monkeypatch.setattr(schedule, "JOBS", {})
    return schedule.every(60, tick, name="tick")


def queued():
    return DBTaskResult.objects.filter(task_path=tick.module_path).count()


def test_a_new_job_is_enqueued_at_once(db, job):
    assert schedule.enqueue_due_jobs() == ["tick"]
    assert queued() == 1


def test_a_job_is_not_enqueued_again_before_its_interval(db, job):
    now = timezone.now()
    schedule.enqueue_due_jobs(now=now)
    DBTaskResult.objects.all().delete()
    assert schedule.enqueue_due_jobs(now=now + timedelta(seconds=59)) == []
    assert schedule.enqueue_due_jobs(now=now + timedelta(seconds=60)) == ["tick"]


def test_a_round_still_queued_is_not_doubled(db, job):
    now = timezone.now()
    schedule.enqueue_due_jobs(now=now)
    assert schedule.enqueue_due_jobs(now=now + timedelta(minutes=5)) == []
    assert queued() == 1


def test_two_workers_reading_the_same_due_time_enqueue_once(db, job):
    now = timezone.now()
    ScheduledJob.objects.create(name="tick", next_run_at=now)
    stale = ScheduledJob.objects.get(name="tick")
    assert schedule.enqueue_due_jobs(now=now) == ["tick"]
    # A second worker that read the row before the first moved it cannot claim it.
    claimed = ScheduledJob.objects.filter(pk=stale.pk, next_run_at=stale.next_run_at).update(
        next_run_at=now
    )
    assert claimed == 0
    assert queued() == 1


def test_an_interval_must_be_positive(monkeypatch):
    monkeypatch.setattr(schedule, "JOBS", {})
    with pytest.raises(ValueError, match="positive interval"):
        schedule.every(0, tick, name="never")
