"""Status page subscribers: double opt-in, no enumeration, unsubscribe, re-subscribe, and
the notices they get about public updates and maintenance."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hatrack.accounts.models import User
from hatrack.servicedesk.models import OutboundMail
from hatrack.systems.models import (
    IncidentStatus,
    IncidentUpdate,
    StatusNotice,
    StatusSubscriber,
    System,
    UpdateKind,
)
from hatrack.systems.services import alerts, subscribers
from hatrack.systems.tests.factories import make_incident, make_maintenance, make_system
from hatrack.systems.views.status import SUBSCRIBES_PER_HOUR

pytestmark = pytest.mark.django_db


def link_in(body: str, kind: str) -> str:
    found = re.search(rf"http://127\.0\.0\.1:8000(/status/{kind}/[^/\s]+/)", body)
    assert found, body
    return found.group(1)


def subscribe(client: Client, email: str) -> bytes:
    response = client.post(reverse("status:subscribe"), {"email": email}, follow=True)
    assert response.status_code == 200
    return response.content


def test_subscribing_mails_a_confirmation_link_and_confirming_takes_a_button() -> None:
    client = Client()
    subscribe(client, "Parent@Example.org")
    subscriber = StatusSubscriber.objects.get()
    assert subscriber.email == "parent@example.org" and not subscriber.active
    mail = OutboundMail.objects.get(kind="status")
    path = link_in(mail.body, "confirm")
    assert client.get(path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
    assert client.post(path).status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.active


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address() -> None:
    StatusSubscriber.objects.create(
        email="known@example.org", token="t" * 40, confirmed_at=timezone.now()
    )
    known = subscribe(Client(), "known@example.org")
    unknown = subscribe(Client(), "new@example.org")
    strip = re.compile(rb"[A-Za-z0-9]{64}")  # the CSRF tokens differ per client
    assert strip.sub(b"", known) == strip.sub(b"", unknown)
    assert list(OutboundMail.objects.values_list("to", flat=True)) == ["new@example.org"]


def test_a_malformed_address_is_refused_beside_the_field() -> None:
    response = Client().post(reverse("status:subscribe"), {"email": "not an address"})
    assert response.status_code == 400
    assert b"Enter a valid email address." in response.content
    assert not StatusSubscriber.objects.exists()


def test_repeated_requests_stop_at_the_hourly_mail_limit(settings: object) -> None:
    settings.HATRACK_MAIL_HOURLY_LIMIT = 2  # type: ignore[attr-defined]
    for _ in range(4):
        subscribers.subscribe(email="victim@example.org")
    assert OutboundMail.objects.filter(to="victim@example.org").count() == 2


def test_unsubscribing_then_subscribing_again_works() -> None:
    client = Client()
    subscribers.subscribe(email="staff@example.org")
    subscriber = StatusSubscriber.objects.get()
    subscribers.confirm(token=subscriber.token)
    path = reverse("status:unsubscribe", args=[subscriber.token])
    assert client.get(path).status_code == 200
    assert StatusSubscriber.objects.get().unsubscribed_at is None
    assert client.post(path).status_code == 302
    assert StatusSubscriber.objects.get().unsubscribed_at is not None
    subscribers.subscribe(email="staff@example.org")
    again = StatusSubscriber.objects.get()
    assert again.unsubscribed_at is None and again.confirmed_at is None
    assert again.token != subscriber.token
    assert OutboundMail.objects.filter(to="staff@example.org").count() == 2


def test_an_unknown_token_is_refused() -> None:
    response = Client().post(reverse("status:confirm", args=["nope"]))
    assert response.status_code == 404


def active_subscriber(email: str) -> StatusSubscriber:
    return StatusSubscriber.objects.create(
        email=email, token=subscribers.new_token(), confirmed_at=timezone.now()
    )


def public_update(*, incident_public: bool = True, update_public: bool = True) -> IncidentUpdate:
    system = make_system(public_name="Student information", published=True)
    System.objects.filter(pk=system.pk).update(name=f"sis-prod-{system.pk}")
    incident = make_incident(system, title="DB replica lag on sql7", public=incident_public)
    return IncidentUpdate.objects.create(
        incident=incident,
        status=IncidentStatus.IDENTIFIED,
        body="Grades may not load. We are fixing it.",
        public=update_public,
        created_at=timezone.now(),
    )


def test_a_public_update_mails_active_subscribers_once_in_plain_words() -> None:
    active_subscriber("a@example.org")
    active_subscriber("b@example.org")
    StatusSubscriber.objects.create(email="pending@example.org", token="p" * 40)
    update = public_update()
    alerts.alert_public_update(update)
    alerts.alert_public_update(update)
    notice = StatusNotice.objects.get()
    assert subscribers.mail_status_notice(notice.pk) == 2
    assert subscribers.mail_status_notice(notice.pk) == 0
    mails = list(OutboundMail.objects.filter(kind="status").order_by("to"))
    assert [m.to for m in mails] == ["a@example.org", "b@example.org"]
    body = mails[0].body
    assert "Student information disruption" in mails[0].subject
    assert "Grades may not load" in body and "/status/" in body
    assert "sql7" not in body and "sis-prod" not in body
    assert "/status/unsubscribe/" in body


def test_a_mailing_that_died_mid_way_resumes_after_the_last_subscriber_mailed() -> None:
    first = active_subscriber("a@example.org")
    active_subscriber("b@example.org")
    alerts.alert_public_update(public_update())
    notice = StatusNotice.objects.get()
    # The task died after its first batch had been queued and recorded.
    StatusNotice.objects.filter(pk=notice.pk).update(mailed_through=first.pk, recipients=1)

    assert subscribers.mail_status_notice(notice.pk) == 1

    assert list(OutboundMail.objects.filter(kind="status").values_list("to", flat=True)) == [
        "b@example.org"
    ]
    notice.refresh_from_db()
    assert notice.recipients == 2 and notice.finished_at is not None


def test_internal_updates_and_private_incidents_mail_nobody() -> None:
    active_subscriber("a@example.org")
    alerts.alert_public_update(public_update(update_public=False))
    alerts.alert_public_update(public_update(incident_public=False))
    event = public_update()
    event.kind = UpdateKind.EVENT
    event.save()
    alerts.alert_public_update(event)
    assert not StatusNotice.objects.exists()


def test_public_maintenance_is_announced_once() -> None:
    active_subscriber("a@example.org")
    start = timezone.now() + timedelta(days=2)
    window = make_maintenance(
        make_system(public_name="Email", published=True),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        title="Email upgrade",
    )
    alerts.announce_maintenance(window)
    alerts.announce_maintenance(window)
    notice = StatusNotice.objects.get()
    assert subscribers.mail_status_notice(notice.pk) == 1
    mail = OutboundMail.objects.get(kind="status")
    assert mail.subject == "Planned maintenance: Email upgrade"
    assert "Affects: Email" in mail.body
    window.refresh_from_db()
    assert window.subscribers_notified_at is not None


def test_leaders_see_subscriber_counts_and_others_are_refused(
    leader_client: Client, technician_client: Client, viewer_client: Client
) -> None:
    active_subscriber("a@example.org")
    response = leader_client.get(reverse("systems:subscriber_list"))
    assert response.status_code == 200 and b"a@example.org" in response.content
    for client in (technician_client, viewer_client):
        assert client.get(reverse("systems:subscriber_list")).status_code == 403


def test_the_subscriber_list_costs_the_same_queries_for_one_and_many(
    leader: User, leader_client: Client, django_assert_num_queries: object
) -> None:
    active_subscriber("one@example.org")
    url = reverse("systems:subscriber_list")
    leader_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        leader_client.get(url)
    for n in range(60):
        active_subscriber(f"s{n}@example.org")
    with CaptureQueriesContext(connection) as many:
        response = leader_client.get(url)
    assert response.status_code == 200
    assert len(many) == len(one)


def test_one_client_may_ask_only_so_many_times_an_hour() -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(SUBSCRIBES_PER_HOUR):
        subscribe(client, f"someone{n}@example.org")

    response = client.post(reverse("status:subscribe"), {"email": "one.more@example.org"})

    assert response.status_code == 429
    assert b"Too many requests" in response.content
    assert not StatusSubscriber.objects.filter(email="one.more@example.org").exists()
    assert (
        Client(REMOTE_ADDR="198.51.100.4")
        .post(reverse("status:subscribe"), {"email": "neighbour@example.org"})
        .status_code
        == 302
    )
