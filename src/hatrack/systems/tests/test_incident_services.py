"""Incidents from checks and by hand: one incident per outage, dependency-aware joining,
flapping, maintenance, quiet auto-resolve, updates, acknowledgement, tickets, review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hatrack.core.models import AuditEntry
from hatrack.servicedesk.models import TicketLink
from hatrack.servicedesk.tests.factories import make_ticket
from hatrack.systems import graph
from hatrack.systems.models import (
    Alert,
    AlertEvent,
    Check,
    Dependency,
    Effect,
    ImpactLevel,
    Incident,
    IncidentRole,
    IncidentSource,
    IncidentStatus,
    IncidentSystem,
    Outage,
    State,
    SystemsSettings,
)
from hatrack.systems.services.incidents import (
    acknowledge_incident,
    link_ticket,
    open_incident,
    post_update,
    save_review,
)
from hatrack.systems.services.outages import (
    check_confirmed_down,
    check_recovered,
    raise_outages_left_after_maintenance,
    resolve_quiet_incidents,
)
from hatrack.systems.tests.factories import (
    make_check,
    make_dependency,
    make_maintenance,
    make_system,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


@pytest.fixture
def web(leader):
    """SSO (tier 1, published) under the LMS, a check on each; a leader to alert."""
    sso = make_system(name="Single sign-on", tier=1, published=True, public_name="Sign-in")
    lms = make_system(name="Learning platform", tier=2)
    make_dependency(lms, sso)
    return {"sso": make_check(sso, name="SSO login page"), "lms": make_check(lms, name="LMS home")}


def down(check: Check, at: datetime) -> tuple[Incident | None, Outage]:
    outage = Outage.objects.create(
        check_ref=check, system=check.system, started_at=at - timedelta(minutes=2), detected_at=at
    )
    return check_confirmed_down(check=check, outage=outage, now=at), outage


def up(outage: Outage, at: datetime) -> None:
    outage.ended_at = at
    outage.save(update_fields=["ended_at"])
    check_recovered(check=outage.check_ref, outage=outage, now=at)


def opened_alerts() -> int:
    return Alert.objects.filter(event=AlertEvent.OPENED).count()


def test_a_confirmed_failure_opens_an_incident_with_its_impact_and_one_alert(web):
    incident, outage = down(web["sso"], T0)

    assert incident is not None
    assert incident.title == "Single sign-on is down"
    assert incident.source == IncidentSource.CHECK
    assert incident.impact_level == ImpactLevel.MAJOR
    assert incident.started_at == T0 - timedelta(minutes=2)
    assert incident.detected_at == T0
    assert incident.public
    roles = dict(IncidentSystem.objects.values_list("system__name", "role"))
    assert roles == {"Single sign-on": IncidentRole.CAUSE, "Learning platform": "impacted"}
    assert web["lms"].system_id in incident.impact["failed"]
    first = incident.updates.filter(kind="update").get()
    assert first.public
    assert first.body.startswith("We are aware that Sign-in is unavailable")
    outage.refresh_from_db()
    assert outage.incident == incident
    assert opened_alerts() == 1


def test_a_dependent_failing_joins_the_incident_of_what_it_depends_on_without_an_alert(web):
    incident, _ = down(web["sso"], T0)
    joined, lms_outage = down(web["lms"], T0 + timedelta(minutes=1))

    assert joined == incident
    assert Incident.objects.count() == 1
    role = IncidentSystem.objects.get(incident=incident, system=web["lms"].system)
    assert role.role == IncidentRole.JOINED
    assert incident.updates.filter(
        body__contains="joined because it depends on Single sign-on"
    ).exists()
    assert opened_alerts() == 1
    lms_outage.refresh_from_db()
    assert lms_outage.incident == incident


def test_a_system_that_joins_widens_the_impact_to_what_fails_with_it(web):
    reports = make_system(name="Reports", tier=3)
    make_dependency(reports, web["lms"].system, kind="runs_on")  # fails when the LMS fails
    lms = web["lms"].system
    Dependency.objects.filter(system=lms).update(effect=Effect.DEGRADES)
    graph.bump_graph_version()
    incident, _ = down(web["sso"], T0)
    assert reports.pk in incident.impact["degraded"]

    down(web["lms"], T0 + timedelta(minutes=1))

    incident.refresh_from_db()
    assert reports.pk in incident.impact["failed"]
    assert set(incident.impact["failed"]) >= {web["sso"].system_id, lms.pk}


def test_an_unpublished_systems_incident_keeps_its_first_words_off_the_status_page(leader):
    check = make_check(make_system(name="Payroll", tier=3), degrades_only=True)

    incident, _ = down(check, T0)

    assert incident is not None
    assert incident.title == "Payroll is degraded"
    assert incident.impact_level == ImpactLevel.DEGRADED
    assert not incident.public
    assert not incident.updates.filter(public=True).exists()


def test_recovery_of_every_check_moves_the_incident_to_monitoring(web):
    incident, sso_outage = down(web["sso"], T0)
    _, lms_outage = down(web["lms"], T0 + timedelta(minutes=1))

    up(lms_outage, T0 + timedelta(minutes=5))
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.INVESTIGATING

    up(sso_outage, T0 + timedelta(minutes=9))
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.MONITORING
    assert incident.recovered_at == T0 + timedelta(minutes=9)
    assert incident.updates.filter(body="All checks have recovered; monitoring.").exists()


def test_flapping_reopens_the_same_incident_counts_the_flaps_and_alerts_once(web):
    incident, outage = down(web["sso"], T0)
    for minute in (5, 15, 25):
        up(outage, T0 + timedelta(minutes=minute))
        again, outage = down(web["sso"], T0 + timedelta(minutes=minute + 4))
        assert again == incident

    incident.refresh_from_db()
    assert Incident.objects.count() == 1
    assert incident.flaps == 3
    assert incident.status == IncidentStatus.INVESTIGATING
    assert incident.recovered_at is None
    assert opened_alerts() == 1


def test_maintenance_on_a_system_suppresses_its_incident(web):
    make_maintenance(
        web["sso"].system, starts_at=T0 - timedelta(hours=1), ends_at=T0 + timedelta(hours=1)
    )

    incident, outage = down(web["sso"], T0)

    assert incident is None
    outage.refresh_from_db()
    assert outage.in_maintenance
    assert outage.incident is None
    assert not Incident.objects.exists()
    assert opened_alerts() == 0


def test_maintenance_on_a_system_also_suppresses_the_failures_of_its_dependents(web):
    make_maintenance(
        web["sso"].system, starts_at=T0 - timedelta(hours=1), ends_at=T0 + timedelta(hours=1)
    )

    incident, _ = down(web["lms"], T0)

    assert incident is None
    assert not Incident.objects.exists()


def test_an_outage_that_outlasts_its_maintenance_window_raises_an_incident_when_it_ends(web):
    make_maintenance(
        web["sso"].system, starts_at=T0 - timedelta(hours=1), ends_at=T0 + timedelta(hours=1)
    )
    _, covered = down(web["sso"], T0)

    assert raise_outages_left_after_maintenance(now=T0 + timedelta(minutes=30)) == 0
    after = T0 + timedelta(hours=1, minutes=1)
    assert raise_outages_left_after_maintenance(now=after) == 1
    assert raise_outages_left_after_maintenance(now=after) == 0

    covered.refresh_from_db()
    assert covered.ended_at == T0 + timedelta(hours=1)
    rest = Outage.objects.get(ended_at__isnull=True)
    assert (rest.started_at, rest.in_maintenance) == (after, False)
    incident = Incident.objects.get()
    assert rest.incident == incident
    assert opened_alerts() == 1


def test_a_cancelled_or_finished_window_suppresses_nothing(web):
    make_maintenance(
        web["sso"].system, starts_at=T0 - timedelta(hours=1), ends_at=T0, cancelled=False
    )
    make_maintenance(
        web["sso"].system, starts_at=T0, ends_at=T0 + timedelta(hours=1), cancelled=True
    )

    incident, _ = down(web["sso"], T0)

    assert incident is not None


def test_a_quiet_incident_resolves_after_the_quiet_time_at_the_time_it_recovered(web):
    incident, outage = down(web["sso"], T0)
    up(outage, T0 + timedelta(minutes=10))
    quiet = SystemsSettings.load().auto_resolve_minutes

    assert resolve_quiet_incidents(now=T0 + timedelta(minutes=10 + quiet - 1)) == 0
    assert resolve_quiet_incidents(now=T0 + timedelta(minutes=10 + quiet)) == 1

    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert incident.resolved_at == T0 + timedelta(minutes=10)
    assert incident.updates.filter(status=IncidentStatus.RESOLVED, public=True).exists()
    assert Alert.objects.filter(event=AlertEvent.RESOLVED).count() == 1
    assert resolve_quiet_incidents(now=T0 + timedelta(days=1)) == 0


def test_a_failure_after_resolution_opens_a_new_incident(web):
    first, outage = down(web["sso"], T0)
    up(outage, T0 + timedelta(minutes=5))
    resolve_quiet_incidents(now=T0 + timedelta(hours=2))

    second, _ = down(web["sso"], T0 + timedelta(hours=3))

    assert second is not None
    assert second != first
    assert opened_alerts() == 2


def test_incidents_opened_by_hand_are_not_resolved_automatically(web, technician):
    incident = open_incident(
        title="Phones are dropping calls", systems=[web["sso"].system], by=technician,
        impact_level=ImpactLevel.PARTIAL, message="Calls drop after a minute.",
    )  # fmt: skip
    post_update(incident=incident, by=technician, body="Looks better.", status="monitoring")

    assert resolve_quiet_incidents(now=timezone.now() + timedelta(days=2)) == 0
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.MONITORING


def test_opening_an_incident_by_hand_records_cause_impact_first_update_and_alert(web, technician):
    incident = open_incident(
        title="Sign-in is failing", systems=[web["sso"].system], by=technician,
        impact_level=ImpactLevel.MAJOR, message="Nobody can sign in.", public=True,
    )  # fmt: skip

    assert incident.source == IncidentSource.MANUAL
    assert incident.opened_by == technician
    roles = dict(incident.system_roles.values_list("system_id", "role"))
    assert roles == {web["sso"].system_id: "cause", web["lms"].system_id: "impacted"}
    assert incident.updates.get().body == "Nobody can sign in."
    assert opened_alerts() == 1
    assert AuditEntry.objects.filter(object_id=str(incident.pk), action="create").exists()
    web["sso"].system.refresh_from_db()
    assert web["sso"].system.state == State.DOWN


def test_the_internal_title_of_an_incident_opened_by_hand_stays_off_the_status_page(
    web, technician
):
    quiet = open_incident(
        title="idp-01 SAML key rolled", systems=[web["sso"].system], by=technician,
        impact_level=ImpactLevel.MAJOR, message="Nobody can sign in.",
    )  # fmt: skip
    told = open_incident(
        title="idp-02 again", systems=[web["sso"].system], by=technician,
        impact_level=ImpactLevel.MAJOR, message="Still down.", public_title="Sign-in trouble",
    )  # fmt: skip

    assert quiet.public_title == ""
    assert told.public_title == "Sign-in trouble"


def test_opening_an_incident_without_systems_or_words_is_refused(technician):
    with pytest.raises(ValidationError) as refused:
        open_incident(title=" ", systems=[], by=technician, impact_level="major", message="")

    assert set(refused.value.message_dict) == {"title", "systems", "message"}
    assert not Incident.objects.exists()


def test_updates_move_the_status_and_resolving_sets_resolved_at(web, technician):
    incident = open_incident(
        title="Sign-in", systems=[web["sso"].system], by=technician,
        impact_level="major", message="Down.",
    )  # fmt: skip
    post_update(
        incident=incident, by=technician, body="Found it: a certificate.", status="identified"
    )
    post_update(incident=incident, by=technician, body="Fixed.", status="resolved", public=True)

    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert incident.resolved_at is not None
    assert incident.next_escalation_at is None
    assert list(incident.updates.values_list("status", flat=True)) == [
        "investigating", "identified", "resolved",
    ]  # fmt: skip
    assert Alert.objects.filter(event=AlertEvent.RESOLVED).exists()


def test_a_resolved_incident_reopens_within_a_day_but_not_later(web, technician, time_machine):
    time_machine.move_to(T0)
    incident = open_incident(
        title="Sign-in", systems=[web["sso"].system], by=technician,
        impact_level="major", message="Down.",
    )  # fmt: skip
    post_update(incident=incident, by=technician, body="Fixed.", status="resolved")

    time_machine.move_to(T0 + timedelta(hours=2))
    post_update(incident=incident, by=technician, body="Back again.", status="investigating")
    incident.refresh_from_db()
    assert incident.is_open
    assert incident.resolved_at is None

    post_update(incident=incident, by=technician, body="Fixed for good.", status="resolved")
    time_machine.move_to(T0 + timedelta(days=3))
    with pytest.raises(ValidationError):
        post_update(incident=incident, by=technician, body="Again?", status="investigating")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED


def test_acknowledging_stops_the_escalation_once(web, technician, leader):
    incident, _ = down(web["sso"], T0)
    incident.refresh_from_db()
    assert incident.next_escalation_at is not None

    acknowledge_incident(incident=incident, by=technician)
    acknowledge_incident(incident=incident, by=leader)

    incident.refresh_from_db()
    assert incident.acknowledged_by == technician
    assert incident.acknowledged_at is not None
    assert incident.next_escalation_at is None
    assert incident.updates.filter(body__startswith="Acknowledged by").count() == 1


def test_many_tickets_about_the_outage_attach_to_the_incident(web, leader):
    incident, _ = down(web["sso"], T0)
    first, second = make_ticket(), make_ticket()

    link_ticket(incident=incident, ticket=first, by=leader)
    link_ticket(incident=incident, ticket=second, by=leader)

    assert set(TicketLink.objects.values_list("ticket_id", "object_id")) == {
        (first.pk, incident.pk), (second.pk, incident.pk),
    }  # fmt: skip
    with pytest.raises(ValidationError):
        link_ticket(incident=incident, ticket=first, by=leader)


def test_a_ticket_the_user_cannot_see_is_not_linked(web, technician):
    incident, _ = down(web["sso"], T0)
    hidden = make_ticket()  # in a queue none of the technician's teams works

    with pytest.raises(ValidationError):
        link_ticket(incident=incident, ticket=hidden, by=technician)
    assert not TicketLink.objects.exists()


def test_the_review_is_written_for_resolved_incidents_only_and_sanitized(web, technician):
    incident = open_incident(
        title="Sign-in", systems=[web["sso"].system], by=technician,
        impact_level="major", message="Down.",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        save_review(
            incident=incident, by=technician, review="Too soon", root_cause="", action_items=""
        )

    post_update(incident=incident, by=technician, body="Fixed.", status="resolved")
    incident.refresh_from_db()
    save_review(
        incident=incident, by=technician, review="**Expired** cert <script>alert(1)</script>",
        root_cause="The certificate expired.", action_items="Watch expiry",
    )  # fmt: skip

    incident.refresh_from_db()
    assert "<strong>Expired</strong>" in incident.review_html
    assert "<script" not in incident.review_html
    assert incident.reviewed_by == technician


def test_the_worker_user_is_no_one(web):
    """Automatic changes are audited as the system, not as a person."""
    incident, _ = down(web["sso"], T0)

    entry = AuditEntry.objects.get(object_id=str(incident.pk), action="create")
    assert entry.actor is None


def test_the_worker_resolves_quiet_incidents_every_minute():
    from hatrack.core.schedule import JOBS

    job = JOBS["systems.resolve_quiet_incidents"]
    assert job.seconds == 60
    assert job.task.call() == 0
