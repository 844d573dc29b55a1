"""The check loop, one tick at a time: probes are pipelined, so a target that hangs until
its timeout does not hold back the results of the others."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hatrack.systems.checks.loop import MAX_WAIT, CheckLoop
from hatrack.systems.models import CheckResult, CheckState
from hatrack.systems.tests.factories import make_check
from hatrack.systems.tests.test_check_probes import LoopbackServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def loop(settings: Any) -> Iterator[CheckLoop]:
    settings.HATRACK_CHECKS_INTERNAL_NETWORKS = ["127.0.0.1/32"]
    running = CheckLoop(concurrency=4)
    running.pool = ThreadPoolExecutor(4)
    yield running
    running.pool.shutdown(wait=True, cancel_futures=True)


def test_a_hanging_target_does_not_hold_back_the_other_checks(loop: CheckLoop) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    server = LoopbackServer()
    server.on()
    try:
        now = timezone.now()
        hanging = make_check(
            target=f"http://127.0.0.1:{silent.getsockname()[1]}/",
            next_run_at=now,
            timeout_seconds=3,
        )
        quick = make_check(target=server.url, next_run_at=now)
        loop.tick(now=now)
        deadline = time.monotonic() + 2
        while not CheckResult.objects.filter(check_ref=quick).exists():
            assert time.monotonic() < deadline, "the quick check waited for the hanging one"
            loop._wait(0.1)
            loop.tick()
        assert not CheckResult.objects.filter(check_ref=hanging).exists()
        assert len(loop.in_flight) == 1
        quick.refresh_from_db()
        assert quick.state == CheckState.UP
    finally:
        server.off()
        silent.close()


def test_the_loop_waits_until_the_next_check_is_due_but_at_most_a_second(loop: CheckLoop) -> None:
    now = timezone.now()
    assert loop.seconds_until_due(now) == MAX_WAIT
    make_check(next_run_at=now + timedelta(seconds=0.25))
    assert 0.2 < loop.seconds_until_due(now) <= 0.25
    make_check(next_run_at=now - timedelta(seconds=5))
    assert loop.seconds_until_due(now) == 0
