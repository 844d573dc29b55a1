"""Incidents from real checks: loopback HTTP servers that the tests turn off and on, run
through the check loop's unit of work with explicit times. One incident per outage,
detection within three intervals, nothing from a single failure, one notice for a flapping
system, and a dependent's failure joining its dependency's incident without an alert."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hatrack.systems.checks.runner import run_due_checks
from hatrack.systems.models import (
    Alert,
    AlertEvent,
    Check,
    Incident,
    IncidentRole,
    IncidentStatus,
    SystemsSettings,
)
from hatrack.systems.services.outages import resolve_quiet_incidents
from hatrack.systems.tests.factories import make_check, make_dependency, make_system
from hatrack.systems.tests.test_check_probes import LoopbackServer

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
INTERVAL = 10


@pytest.fixture(autouse=True)
def internal_loopback(settings: Any, leader: Any) -> None:
    """Checks may reach loopback; a leader is there to be alerted."""
    settings.HATRACK_CHECKS_INTERNAL_NETWORKS = ["127.0.0.1/32"]


def serve() -> LoopbackServer:
    server = LoopbackServer()
    server.on()
    return server


@pytest.fixture
def sso_server() -> Iterator[LoopbackServer]:
    server = serve()
    yield server
    server.off()


@pytest.fixture
def lms_server() -> Iterator[LoopbackServer]:
    server = serve()
    yield server
    server.off()


def watch(server: LoopbackServer, name: str, tier: int = 2) -> Check:
    system = make_system(name=name, tier=tier, published=True)
    return make_check(
        system, target=server.url, next_run_at=T0, interval_seconds=INTERVAL,
        failures_to_confirm=2, timeout_seconds=1.0,
    )  # fmt: skip


def tick(n: int) -> None:
    """The loop's round at the n-th interval."""
    run_due_checks(now=T0 + timedelta(seconds=n * INTERVAL))


def opened_alerts() -> int:
    return Alert.objects.filter(event=AlertEvent.OPENED).count()


def test_an_outage_opens_one_incident_within_three_intervals_and_resolves_after_quiet(
    sso_server: LoopbackServer,
) -> None:
    check = watch(sso_server, "Single sign-on", tier=1)
    tick(0)
    sso_server.off()

    tick(1)
    assert not Incident.objects.exists()  # one failure is not an outage
    tick(2)
    incident = Incident.objects.get()
    assert incident.detected_at - incident.started_at <= timedelta(seconds=3 * INTERVAL)
    for n in range(3, 8):
        tick(n)
    assert Incident.objects.count() == 1
    assert opened_alerts() == 1

    sso_server.on()
    tick(8)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.MONITORING
    recovered = T0 + timedelta(seconds=8 * INTERVAL)
    assert incident.recovered_at == recovered

    quiet = timedelta(minutes=SystemsSettings.load().auto_resolve_minutes)
    assert resolve_quiet_incidents(now=recovered + quiet) == 1
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert incident.resolved_at == recovered
    assert check.outages.count() == 1


def test_a_single_failed_run_opens_nothing(sso_server: LoopbackServer) -> None:
    watch(sso_server, "Single sign-on")
    tick(0)
    sso_server.off()
    tick(1)
    sso_server.on()
    for n in range(2, 6):
        tick(n)

    assert not Incident.objects.exists()
    assert opened_alerts() == 0


def test_a_flapping_system_gives_one_incident_and_one_notice(sso_server: LoopbackServer) -> None:
    watch(sso_server, "Single sign-on")
    tick(0)
    n = 1
    for _ in range(3):  # down for two runs (confirmed), then up for two
        sso_server.off()
        tick(n)
        tick(n + 1)
        sso_server.on()
        tick(n + 2)
        tick(n + 3)
        n += 4

    incident = Incident.objects.get()
    assert incident.flaps == 2
    assert incident.status == IncidentStatus.MONITORING
    assert opened_alerts() == 1


def test_a_dependent_failing_with_its_dependency_joins_its_incident(
    sso_server: LoopbackServer, lms_server: LoopbackServer
) -> None:
    sso = watch(sso_server, "Single sign-on", tier=1)
    lms = watch(lms_server, "Learning platform")
    make_dependency(lms.system, sso.system)
    tick(0)
    sso_server.off()
    tick(1)
    tick(2)
    lms_server.off()
    for n in range(3, 6):
        tick(n)

    incident = Incident.objects.get()
    role = incident.system_roles.get(system=lms.system)
    assert role.role == IncidentRole.JOINED
    assert opened_alerts() == 1

    lms_server.on()
    tick(6)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.INVESTIGATING  # SSO is still down
    assert incident.updates.filter(body__contains="Learning platform passed").exists()
    sso_server.on()
    tick(7)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.MONITORING
