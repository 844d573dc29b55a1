"""The worker loop, its heartbeat and the recovery of stuck tasks, one unit of work at a time.

The loop calls close_old_connections(), which a test wrapped in a transaction cannot
survive, so tests that run the loop use `transactional_db`.
"""

import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hatrack.core import worker as worker_module
from hatrack.core.models import WorkerHeartbeat
from hatrack.core.tests.worker_tasks import add, fail_with
from hatrack.core.worker import (
    MAX_ATTEMPTS,
    WORKER_LOST_PATH,
    HatrackWorker,
    beat,
    forget_dead_workers,
    reclaim_stuck_tasks,
)

STALE_AFTER = 60


def make_worker(**overrides):
    options = {
        "stale_after": STALE_AFTER,
        "pulse": False,
        "queue_names": ["default"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
    }
    options.update(overrides)
    return HatrackWorker(**options)


def running_task(*, worker_ids, started_ago, task=add):
    """A task some worker claimed `started_ago` seconds ago and has not finished."""
    result = DBTaskResult.objects.get(id=task.enqueue(1, 2).id)
    result.status = TaskResultStatus.RUNNING
    result.worker_ids = worker_ids
    result.started_at = timezone.now() - timedelta(seconds=started_ago)
    result.save()
    return result


def heartbeat(worker_id, *, seconds_ago):
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="test",
        pid=1,
        started_at=now - timedelta(hours=1),
        last_seen=now - timedelta(seconds=seconds_ago),
    )


@pytest.mark.django_db(transaction=True)
def test_a_task_that_raises_is_recorded_as_failed_with_its_exception_and_traceback():
    task_id = fail_with.enqueue("orgs.csv has no header row").id

    make_worker().run()

    result = DBTaskResult.objects.get(id=task_id)
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "hatrack.core.tests.worker_tasks.DistrictDataError"
    assert "orgs.csv has no header row" in result.traceback
    assert "Traceback (most recent call last)" in result.traceback
    assert result.finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_failed_task_does_not_stop_the_worker_from_running_the_next_one():
    fail_with.enqueue("first")
    ok_id = add.enqueue(2, 3).id

    make_worker().run()

    result = DBTaskResult.objects.get(id=ok_id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5


@pytest.mark.django_db(transaction=True)
def test_a_worker_records_which_worker_ran_the_task():
    task_id = add.enqueue(1, 1).id
    worker = make_worker(worker_id="office-pc-1")

    worker.run()

    assert DBTaskResult.objects.get(id=task_id).worker_ids == ["office-pc-1"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_reclaims_stuck_tasks_when_it_starts_and_then_runs_them():
    stuck = running_task(worker_ids=["dead-worker"], started_ago=600)
    heartbeat("dead-worker", seconds_ago=STALE_AFTER + 5)

    make_worker(worker_id="new-worker").run()

    stuck.refresh_from_db()
    assert stuck.status == TaskResultStatus.SUCCESSFUL
    assert stuck.worker_ids == ["dead-worker", "new-worker"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_stops_cleanly_leaves_the_list_of_workers():
    make_worker(worker_id="leaving").run()

    assert not WorkerHeartbeat.objects.filter(worker_id="leaving").exists()


@pytest.mark.django_db
def test_a_heartbeat_creates_the_workers_row_then_moves_its_last_seen_forward():
    started = timezone.now() - timedelta(minutes=5)
    beat(worker_id="w1", started_at=started, now=started)
    later = started + timedelta(seconds=10)

    beat(worker_id="w1", started_at=started, now=later)

    row = WorkerHeartbeat.objects.get(worker_id="w1")
    assert (row.started_at, row.last_seen) == (started, later)


@pytest.mark.django_db
def test_a_running_task_whose_worker_went_quiet_goes_back_to_the_queue():
    task = running_task(worker_ids=["w-dead"], started_ago=300)
    heartbeat("w-dead", seconds_ago=STALE_AFTER + 1)

    outcome = reclaim_stuck_tasks(stale_after=STALE_AFTER)

    task.refresh_from_db()
    assert outcome.requeued == [str(task.id)]
    assert task.status == TaskResultStatus.READY
    assert task.started_at is None


@pytest.mark.django_db
def test_a_running_task_whose_worker_is_alive_is_left_running_however_long_it_takes():
    task = running_task(worker_ids=["w-busy"], started_ago=3 * 3600)
    heartbeat("w-busy", seconds_ago=2)

    outcome = reclaim_stuck_tasks(stale_after=STALE_AFTER)

    task.refresh_from_db()
    assert outcome.requeued == []
    assert task.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_only_the_last_worker_of_a_task_counts_when_deciding_whether_it_is_stuck():
    task = running_task(worker_ids=["w-old", "w-now"], started_ago=300)
    heartbeat("w-old", seconds_ago=3600)
    heartbeat("w-now", seconds_ago=1)

    reclaim_stuck_tasks(stale_after=STALE_AFTER)

    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_running_task_of_a_worker_without_heartbeat_is_reclaimed_once_it_started_long_ago():
    recent = running_task(worker_ids=["plain-db-worker"], started_ago=5)
    old = running_task(worker_ids=["plain-db-worker"], started_ago=STALE_AFTER + 5)

    outcome = reclaim_stuck_tasks(stale_after=STALE_AFTER)

    assert outcome.requeued == [str(old.id)]
    recent.refresh_from_db()
    assert recent.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_reclaiming_leaves_alone_a_task_that_another_worker_claimed_since_it_was_read(
    monkeypatch,
):
    task = running_task(worker_ids=["w-dead"], started_ago=300)
    heartbeat("w-dead", seconds_ago=3600)
    stale_snapshot = [(task.id, list(task.worker_ids), task.started_at)]
    # Meanwhile another worker reclaimed it and a third one claimed it again.
    task.status = TaskResultStatus.RUNNING
    task.worker_ids = ["w-dead", "w-fresh"]
    task.started_at = timezone.now()
    task.save()
    heartbeat("w-fresh", seconds_ago=3600)  # even if the new claim looks stale too
    monkeypatch.setattr(worker_module, "running_claims", lambda: stale_snapshot)

    outcome = reclaim_stuck_tasks(stale_after=STALE_AFTER)

    task.refresh_from_db()
    assert outcome.requeued == []
    assert task.status == TaskResultStatus.RUNNING
    assert task.worker_ids == ["w-dead", "w-fresh"]


@pytest.mark.django_db
def test_reclaiming_is_one_update_conditioned_on_the_status_and_start_of_the_claim():
    running_task(worker_ids=["w-dead"], started_ago=300)

    with CaptureQueriesContext(connection) as queries:
        reclaim_stuck_tasks(stale_after=STALE_AFTER)

    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert '"status" = ' in updates[0].split("WHERE")[1]
    assert '"started_at" = ' in updates[0].split("WHERE")[1]


@pytest.mark.django_db
def test_two_reclaims_of_the_same_stuck_task_requeue_it_once():
    task = running_task(worker_ids=["w-dead"], started_ago=300)

    first = reclaim_stuck_tasks(stale_after=STALE_AFTER)
    second = reclaim_stuck_tasks(stale_after=STALE_AFTER)

    assert (first.requeued, second.requeued) == ([str(task.id)], [])


@pytest.mark.django_db
def test_a_task_that_lost_its_worker_too_many_times_is_failed_instead_of_retried():
    ids = [f"w{n}" for n in range(MAX_ATTEMPTS)]
    task = running_task(worker_ids=ids, started_ago=300)

    outcome = reclaim_stuck_tasks(stale_after=STALE_AFTER)

    task.refresh_from_db()
    assert outcome.failed == [str(task.id)]
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == WORKER_LOST_PATH
    assert "stopped answering 3 times" in task.traceback


@pytest.mark.django_db
def test_workers_silent_for_a_day_are_forgotten():
    heartbeat("gone", seconds_ago=2 * 86400)
    heartbeat("here", seconds_ago=5)

    forget_dead_workers()

    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["here"]


def test_a_stop_signal_delivered_twice_at_once_still_lets_the_current_task_finish():
    worker = make_worker()
    worker.running_task = True

    worker.shutdown(signal.SIGTERM, None)
    worker.shutdown(signal.SIGINT, None)

    assert worker.running is False


def test_a_second_stop_signal_after_a_pause_stops_the_worker_at_once(monkeypatch):
    worker = make_worker()
    worker.running_task = True
    worker.shutdown(signal.SIGTERM, None)
    monkeypatch.setattr(worker, "_stop_requested_at", worker._stop_requested_at - 10)
    monkeypatch.setattr(worker, "reset_signals", lambda: None)

    with pytest.raises(SystemExit):
        worker.shutdown(signal.SIGTERM, None)


@pytest.fixture
def live_worker_process():
    """A process on this machine that looks like a `hatrack worker` (its command says so)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "worker"])
    cmdline = Path(f"/proc/{process.pid}/cmdline")
    deadline = time.monotonic() + 10
    while b"worker" not in cmdline.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.01)  # until the new program has replaced the forked copy of this one
    yield process
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


@pytest.mark.django_db
def test_a_task_whose_worker_still_runs_on_this_machine_is_left_running_despite_a_late_heartbeat(
    live_worker_process,
):
    running_task(worker_ids=["busy-local"], started_ago=600)
    row = heartbeat("busy-local", seconds_ago=STALE_AFTER + 30)
    WorkerHeartbeat.objects.filter(pk=row.pk).update(
        hostname=socket.gethostname(), pid=live_worker_process.pid
    )

    outcome = reclaim_stuck_tasks(stale_after=STALE_AFTER)

    assert outcome.requeued == []


@pytest.mark.django_db
def test_a_task_whose_worker_process_on_this_machine_has_exited_is_reclaimed(
    live_worker_process,
):
    task = running_task(worker_ids=["gone-local"], started_ago=600)
    row = heartbeat("gone-local", seconds_ago=STALE_AFTER + 30)
    WorkerHeartbeat.objects.filter(pk=row.pk).update(
        hostname=socket.gethostname(), pid=live_worker_process.pid
    )
    live_worker_process.kill()
    live_worker_process.wait(timeout=10)

    outcome = reclaim_stuck_tasks(stale_after=STALE_AFTER)

    assert outcome.requeued == [str(task.id)]
