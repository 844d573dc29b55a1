"""Incident alerts: who is mailed first, escalation step by step, acknowledging stops it,
and the signed one-click acknowledge link."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from hatrack.accounts.models import User
from hatrack.conftest import make_user
from hatrack.core.roles import Role
from hatrack.servicedesk.models import OutboundMail
from hatrack.systems.models import (
    Alert,
    AlertEvent,
    Channel,
    DeliveryStatus,
    Incident,
    OnDuty,
    SystemsSettings,
    Webhook,
    WebhookFormat,
)
from hatrack.systems.services import alerts
from hatrack.systems.services.incidents import acknowledge_incident
from hatrack.systems.tests.factories import make_incident, make_system

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 4, 6, 8, 0, tzinfo=UTC)


def shift(user: User, level: int = 1) -> OnDuty:
    return OnDuty.objects.create(
        user=user, level=level, starts_at=T0 - timedelta(hours=1), ends_at=T0 + timedelta(hours=9)
    )


def opened(**overrides: object) -> Incident:
    incident = make_incident(
        make_system(name="SIS"), started_at=T0, title="SIS is down", **overrides
    )
    with time_machine.travel(T0, tick=False):
        alerts.alert_incident_opened(incident)
    incident.refresh_from_db()
    return incident


def mailed(event: str) -> set[str]:
    return set(
        Alert.objects.filter(event=event, channel=Channel.EMAIL).values_list("recipient", flat=True)
    )


def test_the_technician_on_duty_is_mailed_first_with_links(
    technician: User, leader: User, settings: object
) -> None:
    shift(technician)
    incident = opened()
    assert mailed(AlertEvent.OPENED) == {technician.email}
    mail = OutboundMail.objects.get(kind="incident")
    assert mail.to == technician.email
    assert mail.subject == f"[{incident.reference}] SIS is down"
    assert "Systems: SIS" in mail.body
    assert f"http://127.0.0.1:8000/systems/incidents/{incident.pk}/" in mail.body
    assert "/systems/incidents/acknowledge/" in mail.body
    assert incident.alert_level == 1
    assert incident.next_escalation_at == T0 + timedelta(minutes=15)


def test_leaders_are_alerted_when_nobody_is_on_duty(leader: User, technician: User) -> None:
    opened()
    assert mailed(AlertEvent.OPENED) == {leader.email}


def test_escalation_goes_to_level_two_then_every_leader_then_stops(
    technician: User, leader: User
) -> None:
    second = make_user(Role.TECHNICIAN, "second-tech")
    other_leader = make_user(Role.LEADER, "other-leader")
    shift(technician)
    shift(second, level=2)
    SystemsSettings.load()
    SystemsSettings.objects.filter(pk=1).update(escalate_after_minutes=10)
    incident = opened()
    assert alerts.escalate_unacknowledged(now=T0 + timedelta(minutes=5)) == 0
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        assert alerts.escalate_unacknowledged(now=T0 + timedelta(minutes=10)) == 1
    incident.refresh_from_db()
    assert incident.alert_level == 2
    assert Alert.objects.filter(event=AlertEvent.ESCALATED, level=2).count() == 1
    assert mailed(AlertEvent.ESCALATED) == {second.email}
    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        assert alerts.escalate_unacknowledged(now=T0 + timedelta(minutes=20)) == 1
    incident.refresh_from_db()
    assert incident.alert_level == 3
    assert incident.next_escalation_at is None
    level3 = set(
        Alert.objects.filter(event=AlertEvent.ESCALATED, level=3).values_list(
            "recipient", flat=True
        )
    )
    assert level3 == {leader.email, other_leader.email}
    assert alerts.escalate_unacknowledged(now=T0 + timedelta(hours=5)) == 0


def test_level_two_falls_back_to_the_leaders(technician: User, leader: User) -> None:
    shift(technician)
    opened()
    assert alerts.escalate_unacknowledged(now=T0 + timedelta(minutes=16)) == 1
    assert mailed(AlertEvent.ESCALATED) == {leader.email}


def test_acknowledging_stops_the_escalation(technician: User, leader: User) -> None:
    shift(technician)
    incident = opened()
    acknowledge_incident(incident=incident, by=technician)
    assert alerts.escalate_unacknowledged(now=T0 + timedelta(hours=1)) == 0
    assert not Alert.objects.filter(event=AlertEvent.ESCALATED).exists()


def test_two_workers_escalate_an_incident_once(leader: User) -> None:
    incident = opened()
    first, second = Incident.objects.get(pk=incident.pk), Incident.objects.get(pk=incident.pk)
    later = T0 + timedelta(minutes=20)
    assert alerts._escalate(first, now=later, minutes=15) is True
    assert alerts._escalate(second, now=later, minutes=15) is False
    assert Alert.objects.filter(event=AlertEvent.ESCALATED).count() == 1


def test_resolving_tells_those_alerted(technician: User, leader: User) -> None:
    shift(technician)
    incident = opened()
    alerts.alert_incident_resolved(incident)
    assert mailed(AlertEvent.RESOLVED) == {technician.email}
    assert OutboundMail.objects.filter(
        subject__startswith=f"[{incident.reference}] Resolved"
    ).exists()


def test_every_enabled_webhook_gets_an_alert_row(leader: User) -> None:
    Webhook.objects.create(
        name="Tech room", url="https://chat.example/hook", format=WebhookFormat.SLACK
    )
    Webhook.objects.create(
        name="Old room", url="https://chat.example/old", format=WebhookFormat.JSON, enabled=False
    )
    opened()
    hooks = Alert.objects.filter(channel=Channel.WEBHOOK)
    assert [(a.recipient, a.status) for a in hooks] == [("Tech room", DeliveryStatus.QUEUED)]


def test_a_mail_failure_never_stops_the_incident(
    leader: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(alerts, "queue_drafts", broken)
    incident = opened()
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert not Alert.objects.exists()


# --- The acknowledge link ----------------------------------------------------------------


def link_path(incident: Incident, user: User) -> str:
    return alerts.acknowledge_url(incident, user).removeprefix("http://127.0.0.1:8000")


def test_the_link_asks_first_and_get_changes_nothing(
    technician: User, technician_client: Client, leader: User
) -> None:
    incident = opened()
    response = technician_client.get(link_path(incident, technician))
    assert response.status_code == 200
    assert b"Acknowledge" in response.content
    incident.refresh_from_db()
    assert incident.acknowledged_at is None


def test_posting_the_link_acknowledges(
    technician: User, technician_client: Client, leader: User
) -> None:
    incident = opened()
    response = technician_client.post(link_path(incident, technician))
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.acknowledged_by == technician
    assert incident.next_escalation_at is None


def test_a_tampered_link_is_refused(
    technician: User, technician_client: Client, leader: User
) -> None:
    incident = opened()
    path = link_path(incident, technician)
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = signing.TimestampSigner(salt="wrong").sign_object([incident.pk, technician.pk])
    for bad in (token[:-2] + "xx", forged):
        url = reverse("systems:acknowledge_link", args=[bad])
        assert b"This link does not work" in technician_client.post(url).content
    incident.refresh_from_db()
    assert incident.acknowledged_at is None


def test_an_expired_link_is_refused(
    technician: User, technician_client: Client, leader: User
) -> None:
    incident = opened()
    with time_machine.travel(T0, tick=False):
        path = link_path(incident, technician)
    with time_machine.travel(T0 + timedelta(hours=25), tick=False):
        assert b"This link does not work" in technician_client.post(path).content
    incident.refresh_from_db()
    assert incident.acknowledged_at is None


def test_the_link_needs_sign_in_and_the_right_to_work_incidents(
    technician: User, staff_client: Client, client_for: object, leader: User
) -> None:
    incident = opened()
    path = link_path(incident, technician)
    assert staff_client.post(path).status_code == 403
    anonymous = Client()
    assert anonymous.get(path).status_code == 302
    incident.refresh_from_db()
    assert incident.acknowledged_at is None


def test_a_link_mailed_to_someone_else_does_not_acknowledge(
    technician: User, leader: User, client_for: Any
) -> None:
    incident = opened()
    response = client_for(leader).post(link_path(incident, technician))

    assert b"mailed to someone else" in response.content
    incident.refresh_from_db()
    assert incident.acknowledged_at is None
