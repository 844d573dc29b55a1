"""The worker runs the health-check loop in a thread of its own, and stops it on shutdown."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.utils import timezone

from hatrack.core.worker import HatrackWorker
from hatrack.systems.checks.loop import CheckLoop
from hatrack.systems.models import CheckResult, CheckState
from hatrack.systems.tests.factories import make_check
from hatrack.systems.tests.test_check_probes import LoopbackServer


def make_worker(**overrides: Any) -> HatrackWorker:
    options: dict[str, Any] = {
        "stale_after": 60,
        "pulse": False,
        "queue_names": ["default"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
    }
    options.update(overrides)
    return HatrackWorker(**options)


@pytest.mark.django_db(transaction=True)
def test_the_worker_starts_the_check_loop_and_stops_it_on_shutdown() -> None:
    worker = make_worker(checks=True)

    worker.run()

    assert worker.check_loop is not None
    assert worker.check_loop.thread is not None
    assert not worker.check_loop.thread.is_alive()
    assert worker.check_loop.pool is not None


@pytest.mark.django_db(transaction=True)
def test_a_worker_with_checks_turned_off_runs_no_check_loop(settings: Any) -> None:
    settings.HATRACK_CHECKS_ENABLED = False
    worker = make_worker()

    worker.run()

    assert worker.check_loop is None


@pytest.mark.django_db(transaction=True)
def test_the_running_loop_probes_a_due_check_and_records_it(settings: Any) -> None:
    settings.HATRACK_CHECKS_INTERNAL_NETWORKS = ["127.0.0.1/32"]
    server = LoopbackServer()
    server.on()
    check = make_check(target=server.url, next_run_at=timezone.now(), interval_seconds=60)
    loop = CheckLoop(concurrency=4)
    loop.start()
    try:
        deadline = time.monotonic() + 10
        while not CheckResult.objects.filter(check_ref=check).exists():
            assert time.monotonic() < deadline, "the loop did not run the due check"
            time.sleep(0.05)
    finally:
        loop.stop()
        server.off()

    assert loop.thread is not None
    assert not loop.thread.is_alive()
    check.refresh_from_db()
    assert check.state == CheckState.UP
    assert loop.totals.ok == 1
