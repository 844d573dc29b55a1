"""The check loop's unit of work against a real HTTP server on loopback that the tests turn
off and on: detection, confirmation, one outage per outage, flapping, recovery, downtime,
and a schedule that does not drift. Time is given explicitly (`now=`); the network is real."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hatrack.systems.checks.runner import claim_due, next_slot, run_due_checks
from hatrack.systems.models import (
    Check,
    CheckResult,
    CheckState,
    Incident,
    Outage,
    State,
    System,
)
from hatrack.systems.tests.factories import make_check, make_maintenance, make_system
from hatrack.systems.tests.test_check_probes import LoopbackServer

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def internal_loopback(settings: Any) -> None:
    settings.HATRACK_CHECKS_INTERNAL_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    running = LoopbackServer()
    running.on()
    yield running
    running.off()


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def watch(server: LoopbackServer, **fields: Any) -> Check:
    fields.setdefault("interval_seconds", 1)
    fields.setdefault("failures_to_confirm", 2)
    fields.setdefault("timeout_seconds", 1.0)
    return make_check(target=server.url, next_run_at=T0, **fields)


def run(seconds: float) -> Any:
    return run_due_checks(now=at(seconds))


def test_a_healthy_check_is_up_and_its_system_operational(server: LoopbackServer) -> None:
    check = watch(server)

    report = run(0)

    check.refresh_from_db()
    assert (report.claimed, report.ok, report.failed) == (1, 1, 0)
    assert check.state == CheckState.UP
    assert check.last_run_at == at(0)
    assert check.lease_until is None
    assert check.system.__class__.objects.get(pk=check.system_id).state == State.OPERATIONAL


def test_an_outage_is_detected_within_three_intervals_and_recorded_once(
    server: LoopbackServer,
) -> None:
    check = watch(server)
    run(0)
    server.off()  # goes down at 0.5 s

    reports = [run(s) for s in (1, 2, 3, 4)]

    outage = Outage.objects.get()
    assert outage.started_at == at(1)
    assert outage.detected_at == at(2)
    assert outage.detected_at - at(0.5) <= timedelta(seconds=3)
    assert outage.ended_at is None
    assert [r.confirmed_down for r in reports] == [0, 1, 0, 0]
    check.refresh_from_db()
    assert check.state == CheckState.DOWN
    assert System.objects.get(pk=check.system_id).state == State.DOWN


def test_a_single_failure_raises_nothing(server: LoopbackServer) -> None:
    check = watch(server)
    run(0)
    server.off()
    run(1)
    check.refresh_from_db()
    assert check.state == CheckState.FAILING
    server.on()

    run(2)

    check.refresh_from_db()
    assert check.state == CheckState.UP
    assert check.failing_since is None
    assert not Outage.objects.exists()
    assert not Incident.objects.exists()
    assert CheckResult.objects.filter(check_ref=check, ok=False).count() == 1


def test_retries_absorb_a_failure_within_the_same_run(server: LoopbackServer) -> None:
    server.answer(503)
    check = watch(server, retries=2, failures_to_confirm=1)
    run(0)
    check.refresh_from_db()
    assert check.state == CheckState.DOWN  # all three tries failed
    assert Outage.objects.count() == 1


def test_a_flapping_server_never_confirms_an_outage(server: LoopbackServer) -> None:
    watch(server)

    for second in range(20):
        (server.off if second % 2 else server.on)()
        run(second)

    assert not Outage.objects.exists()
    assert not Incident.objects.exists()


def test_repeated_outages_make_one_outage_each_and_one_incident(server: LoopbackServer) -> None:
    check = watch(server)
    pattern = "UUDDDUUDDUUU"  # two outages, recovered in between

    for second, state in enumerate(pattern):
        (server.on if state == "U" else server.off)()
        run(second)

    outages = list(Outage.objects.order_by("started_at"))
    assert [(o.started_at, o.ended_at) for o in outages] == [(at(2), at(5)), (at(7), at(9))]
    assert len({o.incident_id for o in outages}) == 1
    assert Incident.objects.count() == 1
    check.refresh_from_db()
    assert check.state == CheckState.UP


def test_recovery_ends_the_outage_and_the_system_is_operational_again(
    server: LoopbackServer,
) -> None:
    check = watch(server)
    server.off()
    run(0)
    run(1)
    server.on()

    report = run(2)

    assert report.recovered == 1
    outage = Outage.objects.get()
    assert outage.ended_at == at(2)
    assert System.objects.get(pk=check.system_id).state == State.OPERATIONAL


def test_downtime_from_outages_matches_the_real_down_time_within_one_interval(
    server: LoopbackServer,
) -> None:
    watch(server)
    down_from, down_until = 10.5, 30.5  # the server is off for 20 s
    for second in range(40):
        (server.off if down_from <= second < down_until else server.on)()
        run(second)

    outage = Outage.objects.get()
    measured = (outage.ended_at - outage.started_at).total_seconds()
    assert abs(measured - (down_until - down_from)) <= 1
    incident = Incident.objects.get()
    assert incident.started_at == outage.started_at


def test_an_outage_that_only_degrades_marks_the_system_degraded(server: LoopbackServer) -> None:
    check = watch(server, degrades_only=True)
    server.off()
    run(0)
    run(1)

    assert Outage.objects.get().degraded
    assert System.objects.get(pk=check.system_id).state == State.DEGRADED


def test_maintenance_makes_the_system_under_maintenance_and_raises_no_incident(
    server: LoopbackServer,
) -> None:
    system = make_system()
    make_maintenance(system, starts_at=at(-60), ends_at=at(600))
    watch(server, system=system)
    server.off()
    run(0)
    run(1)

    outage = Outage.objects.get()
    assert outage.in_maintenance
    assert not Incident.objects.exists()
    assert System.objects.get(pk=system.pk).state == State.MAINTENANCE


def test_the_schedule_moves_by_whole_intervals_from_the_due_slot(server: LoopbackServer) -> None:
    check = watch(server, interval_seconds=60)

    run(0.7)  # run late: the next slot is still T0 + 60 s
    check.refresh_from_db()
    assert check.next_run_at == at(60)
    assert run(30).claimed == 0
    run(60.4)
    check.refresh_from_db()
    assert check.next_run_at == at(120)


def test_missed_slots_are_skipped_not_run_in_a_burst(server: LoopbackServer) -> None:
    check = watch(server, interval_seconds=60)

    assert run(3600 + 5).claimed == 1
    assert run(3600 + 6).claimed == 0
    check.refresh_from_db()
    assert check.next_run_at == at(3660)


def test_next_slot_is_the_first_slot_after_now() -> None:
    assert next_slot(at(0), 10, at(0)) == at(10)
    assert next_slot(at(0), 10, at(9.9)) == at(10)
    assert next_slot(at(0), 10, at(25)) == at(30)
    assert next_slot(None, 10, at(3)) == at(13)


def test_a_check_claimed_by_another_worker_is_not_claimed_again(server: LoopbackServer) -> None:
    watch(server)
    first = claim_due(now=at(0))
    second = claim_due(now=at(0))

    assert len(first) == 1
    assert second == []


def test_disabled_checks_and_leased_checks_are_not_run(server: LoopbackServer) -> None:
    watch(server, enabled=False)
    watch(server, lease_until=at(30))

    assert run(0).claimed == 0
    assert run(31).claimed == 1


def test_many_checks_are_probed_at_once(settings: Any) -> None:
    slow = LoopbackServer(delay=0.3)
    slow.on()
    try:
        for _ in range(20):
            make_check(target=slow.url, next_run_at=T0, timeout_seconds=2.0)
        report = run(0)
    finally:
        slow.off()

    assert report.ok == 20
    assert report.duration < 2.0  # 20 x 0.3 s one after another would take 6 s
