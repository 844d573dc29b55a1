"""The alerting settings pages: leaders only; rota, webhooks, test alerts, settings."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hatrack.accounts.models import User
from hatrack.core.models import AuditEntry
from hatrack.systems.models import Alert, AlertEvent, OnDuty, SystemsSettings, Webhook

pytestmark = pytest.mark.django_db


def when(hours: int) -> str:
    return (timezone.localtime() + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("name", ["alerting", "duty_create", "webhook_create", "subscriber_list"])
def test_only_leaders_open_the_alerting_pages(
    name: str,
    leader_client: Client,
    technician_client: Client,
    staff_client: Client,
    viewer_client: Client,
) -> None:
    url = reverse(f"systems:{name}")
    assert leader_client.get(url).status_code == 200
    for client in (technician_client, staff_client, viewer_client):
        assert client.get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_a_leader_adds_and_removes_a_technicians_shift(
    leader_client: Client, technician: User
) -> None:
    response = leader_client.post(
        reverse("systems:duty_create"),
        {"user": technician.pk, "level": 1, "starts_at": when(-1), "ends_at": when(8)},
    )
    assert response.status_code == 302
    shift = OnDuty.objects.get()
    assert shift.user == technician
    assert b"On duty now" in leader_client.get(reverse("systems:alerting")).content
    leader_client.post(reverse("systems:duty_delete", args=[shift.pk]))
    assert not OnDuty.objects.exists()


def test_staff_cannot_be_put_on_duty_and_a_backwards_shift_is_refused(
    leader_client: Client, staff: User, technician: User
) -> None:
    response = leader_client.post(
        reverse("systems:duty_create"),
        {"user": staff.pk, "level": 1, "starts_at": when(0), "ends_at": when(4)},
    )
    assert response.status_code == 200 and b"Select a valid choice" in response.content
    response = leader_client.post(
        reverse("systems:duty_create"),
        {"user": technician.pk, "level": 1, "starts_at": when(4), "ends_at": when(1)},
    )
    assert b"A shift must end after it starts." in response.content
    assert not OnDuty.objects.exists()


def test_a_leader_adds_a_webhook_and_sends_it_a_test(leader_client: Client) -> None:
    response = leader_client.post(
        reverse("systems:webhook_create"),
        {
            "name": "Tech room",
            "url": "https://chat.example/hook",
            "format": "slack",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    hook = Webhook.objects.get()
    leader_client.post(reverse("systems:webhook_test", args=[hook.pk]))
    assert Alert.objects.get().event == AlertEvent.TEST
    response = leader_client.post(
        reverse("systems:webhook_edit", args=[hook.pk]),
        {"name": "Tech room", "url": "https://chat.example/new", "format": "teams"},
    )
    hook.refresh_from_db()
    assert (hook.url, hook.format, hook.enabled) == ("https://chat.example/new", "teams", False)


def test_a_webhook_address_that_is_not_http_is_refused_beside_the_field(
    leader_client: Client,
) -> None:
    response = leader_client.post(
        reverse("systems:webhook_create"),
        {"name": "Bad", "url": "ftp://chat.example/hook", "format": "json"},
    )
    assert response.status_code == 200
    assert b'id="id_url_error"' in response.content
    assert not Webhook.objects.exists()


def test_a_leader_changes_escalation_and_the_status_page_words(leader_client: Client) -> None:
    response = leader_client.post(
        reverse("systems:alerting"),
        {
            "escalate_after_minutes": 5,
            "auto_resolve_minutes": 45,
            "status_page_title": "Lakeside status",
            "status_page_intro": "",
            "status_page_contact": "help@lakeside.example",
        },
    )
    assert response.status_code == 302
    row = SystemsSettings.load()
    assert (row.escalate_after_minutes, row.status_page_title) == (5, "Lakeside status")


def test_webhook_tests_need_a_post(leader_client: Client) -> None:
    hook = Webhook.objects.create(name="Room", url="https://chat.example/x", format="json")
    assert leader_client.get(reverse("systems:webhook_test", args=[hook.pk])).status_code == 405


def test_a_webhooks_secret_address_is_never_shown_or_audited_and_empty_keeps_it(
    leader_client: Client,
) -> None:
    secret = "https://hooks.slack.com/services/T000/B000/s3cretT0ken"
    hook = Webhook.objects.create(name="Tech room", url=secret, format="slack")
    edit = reverse("systems:webhook_edit", args=[hook.pk])

    page = leader_client.get(edit).content.decode()
    assert "s3cretT0ken" not in page
    assert "https://hooks.slack.com/…" in page

    form = {"name": "Tech room", "url": "", "format": "slack", "enabled": "on"}
    assert leader_client.post(edit, form).status_code == 302
    hook.refresh_from_db()
    assert hook.url == secret

    moved = "https://hooks.slack.com/services/T000/B000/n3wT0ken"
    assert leader_client.post(edit, {**form, "url": moved}).status_code == 302
    hook.refresh_from_db()
    assert hook.url == moved
    trail = " ".join(
        f"{entry.summary} {entry.changes}"
        for entry in AuditEntry.objects.filter(object_id=str(hook.pk))
    )
    assert "Webhook address changed" in trail
    assert "T0ken" not in trail
