"""The desk's mail pages: mailboxes (secrets write-only), the logs of mail in and out."""

import socket

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from hatrack.conftest import PERSONAS
from hatrack.core.models import AuditEntry
from hatrack.servicedesk.models import InboundMail, Mailbox, OutboundMail
from hatrack.servicedesk.services import mailboxes
from hatrack.servicedesk.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

LIST = reverse("servicedesk:mailbox_list")
CREATE = reverse("servicedesk:mailbox_create")
INBOUND = reverse("servicedesk:inbound_mail_list")
OUTBOUND = reverse("servicedesk:outbound_mail_list")
RESEND = reverse("servicedesk:outbound_mail_resend")


def make_mailbox(queue, **overrides) -> Mailbox:
    values = {
        "name": "Help desk",
        "queue": queue,
        "host": "imap.maplevalley.example.org",
        "username": "help@maplevalley.example.org",
        "password": "s3cret-imap-password",
    }
    values.update(overrides)
    return Mailbox.objects.create(**values)


def form_data(queue, **overrides) -> dict:
    data = {
        "name": "Help desk",
        "queue": queue.pk,
        "host": "imap.maplevalley.example.org",
        "port": 993,
        "security": "ssl",
        "username": "help@maplevalley.example.org",
        "auth": "password",
        "password": "",
        "folder": "INBOX",
        "active": "on",
    }
    data.update(overrides)
    return data


def assert_queries(client, url, expected, django_assert_num_queries):
    """A warm request's queries (the session is refreshed at most every 5 minutes)."""
    client.get(url)
    with django_assert_num_queries(expected):
        return client.get(url)


# --- Who may see them ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize("url", [LIST, CREATE, INBOUND, OUTBOUND])
def test_only_leaders_see_the_mail_pages(persona, url):
    name, client = persona
    response = client.get(url)
    if name == "leader":
        assert response.status_code == 200
    elif name == "outsider":
        assert response.status_code == 302
    else:
        assert response.status_code == 403


# --- Mailboxes -------------------------------------------------------------------------------


def test_without_mailboxes_the_list_says_how_to_start(leader_client):
    response = leader_client.get(LIST)
    assert "No mailboxes yet" in response.text
    assert CREATE in response.text


def test_the_mailbox_list_costs_the_same_for_one_and_fifty(
    leader_client, queue, django_assert_num_queries
):
    make_mailbox(queue, name="Mailbox 0")
    # session, user, page, bounded count
    assert_queries(leader_client, LIST, 4, django_assert_num_queries)
    for n in range(1, 50):
        make_mailbox(queue, name=f"Mailbox {n:02d}")
    response = assert_queries(leader_client, LIST, 4, django_assert_num_queries)
    assert "Mailbox 49" in response.text


def test_a_leader_adds_a_mailbox(leader_client, leader, queue):
    response = leader_client.post(CREATE, form_data(queue, password="s3cret-imap-password"))
    assert response.status_code == 302
    mailbox = Mailbox.objects.get()
    assert (mailbox.queue, mailbox.password) == (queue, "s3cret-imap-password")
    entry = AuditEntry.objects.get(action="create", object_id=str(mailbox.pk))
    assert entry.actor == leader
    assert "s3cret" not in str(entry.changes)


def test_a_password_mailbox_needs_a_password(leader_client, queue):
    response = leader_client.post(CREATE, form_data(queue))
    assert "Enter the mailbox&#x27;s password." in response.text
    assert not Mailbox.objects.exists()


def test_oauth_needs_its_token_url_client_and_refresh_token(leader_client, queue):
    response = leader_client.post(CREATE, form_data(queue, auth="xoauth2"))
    assert "Enter the provider&#x27;s token URL." in response.text
    assert "Enter the refresh token the provider issued." in response.text


def test_an_unencrypted_connection_is_refused_off_loopback(leader_client, queue):
    response = leader_client.post(
        CREATE, form_data(queue, security="none", password="s3cret-imap-password")
    )
    assert "must not cross the network unencrypted" in response.text
    assert not Mailbox.objects.exists()


def test_the_edit_page_never_shows_a_stored_secret(leader_client, queue):
    mailbox = make_mailbox(queue, oauth_refresh_token="refresh-token-value")
    response = leader_client.get(reverse("servicedesk:mailbox_edit", args=[mailbox.pk]))
    assert response.status_code == 200
    assert "s3cret-imap-password" not in response.text
    assert "refresh-token-value" not in response.text
    assert "A value is stored. Leave blank to keep the one stored." in response.text


def test_saving_with_a_blank_secret_keeps_the_stored_one(leader_client, queue):
    mailbox = make_mailbox(queue)
    url = reverse("servicedesk:mailbox_edit", args=[mailbox.pk])
    response = leader_client.post(url, form_data(queue, host="imap2.maplevalley.example.org"))
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.host == "imap2.maplevalley.example.org"
    assert mailbox.password == "s3cret-imap-password"


def test_a_new_secret_replaces_the_old_and_the_audit_says_so_without_it(
    leader_client, leader, queue
):
    mailbox = make_mailbox(queue)
    url = reverse("servicedesk:mailbox_edit", args=[mailbox.pk])
    leader_client.post(url, form_data(queue, password="n3w-imap-password"))
    mailbox.refresh_from_db()
    assert mailbox.password == "n3w-imap-password"
    entry = AuditEntry.objects.get(summary="Replaced the stored password")
    assert entry.actor == leader
    everything = str(list(AuditEntry.objects.values_list("changes", "summary")))
    assert "n3w-imap-password" not in everything
    assert "s3cret-imap-password" not in everything


def test_testing_an_unreachable_mailbox_says_why_in_words(leader_client, queue):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = make_mailbox(queue, host="127.0.0.1", port=port, security="none")
    url = reverse("servicedesk:mailbox_test", args=[mailbox.pk])
    response = leader_client.post(url, follow=True)
    assert "The server could not be reached" in response.text


def test_testing_a_server_that_never_answers_gives_up(leader_client, queue, monkeypatch):
    monkeypatch.setattr(mailboxes, "CHECK_TIMEOUT_SECONDS", 0.5)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts the connection, then never says a word
        port = silent.getsockname()[1]
        mailbox = make_mailbox(queue, host="127.0.0.1", port=port, security="none")
        url = reverse("servicedesk:mailbox_test", args=[mailbox.pk])
        response = leader_client.post(url, follow=True)
    assert "did not answer within" in response.text


def test_testing_a_connection_takes_a_post(leader_client, queue):
    mailbox = make_mailbox(queue)
    response = leader_client.get(reverse("servicedesk:mailbox_test", args=[mailbox.pk]))
    assert response.status_code == 405


# --- Mail received ---------------------------------------------------------------------------


def received(n: int, **overrides) -> InboundMail:
    values = {
        "source": "pipe",
        "dedupe_key": f"m{n}@school.example.org",
        "sender": "teacher@maplevalley.example.org",
        "subject": f"Message {n}",
        "outcome": InboundMail.Outcome.TICKET_CREATED,
    }
    values.update(overrides)
    return InboundMail.objects.create(**values)


def test_without_mail_received_the_log_says_where_it_comes_from(leader_client):
    assert "No mail received yet" in leader_client.get(INBOUND).text


def test_the_received_log_links_each_message_to_its_ticket(leader_client, ticket):
    received(1, ticket=ticket)
    response = leader_client.get(INBOUND)
    assert reverse("servicedesk:ticket_detail", args=[ticket.pk]) in response.text
    assert ticket.reference in response.text


def test_the_received_log_filters_by_outcome(leader_client):
    received(1)
    received(2, outcome=InboundMail.Outcome.IGNORED, reason="Auto-reply", subject="Out of office")
    response = leader_client.get(INBOUND, {"status": "ignored"})
    assert "Out of office" in response.text
    assert "Message 1" not in response.text
    assert "Auto-reply" in response.text


def test_the_received_log_filters_by_mailbox(leader_client, queue):
    mailbox = make_mailbox(queue)
    received(1, mailbox=mailbox, source="imap", subject="By IMAP")
    received(2, subject="Piped in")
    response = leader_client.get(INBOUND, {"mailbox": mailbox.pk})
    assert "By IMAP" in response.text
    assert "Piped in" not in response.text


def test_a_filter_matching_nothing_offers_to_clear_it(leader_client):
    received(1)
    assert "No message matches" in leader_client.get(INBOUND, {"status": "rejected"}).text


def test_the_received_log_costs_the_same_for_one_and_fifty(
    leader_client, queue, django_assert_num_queries
):
    received(0)
    # session, user, mailbox choices, page, bounded count
    assert_queries(leader_client, INBOUND, 5, django_assert_num_queries)
    for n in range(1, 50):
        received(n, ticket=make_ticket(queue=queue))
    response = assert_queries(leader_client, INBOUND, 5, django_assert_num_queries)
    assert "Message 49" in response.text


def test_the_received_log_pages_by_keyset(leader_client):
    for n in range(60):
        received(n)
    first = leader_client.get(INBOUND)
    assert first.context["page"].next_cursor
    second = leader_client.get(INBOUND, {"after": first.context["page"].next_cursor})
    assert len(second.context["rows"]) == 10


# --- Mail sent -------------------------------------------------------------------------------


def sent(n: int, **overrides) -> OutboundMail:
    values = {
        "kind": OutboundMail.Kind.REPLY,
        "to": "teacher@maplevalley.example.org",
        "subject": f"Notice {n}",
        "body": "Body",
        "message_id": f"n{n}@maplevalley.example.org",
    }
    values.update(overrides)
    return OutboundMail.objects.create(**values)


def test_without_mail_sent_the_log_says_when_mail_goes_out(leader_client):
    assert "No mail sent yet" in leader_client.get(OUTBOUND).text


def test_the_sent_log_shows_why_a_notice_failed(leader_client):
    sent(1, status="failed", attempts=2, last_error="SMTPDataError: 451 Mailbox busy")
    response = leader_client.get(OUTBOUND)
    assert "451 Mailbox busy" in response.text
    assert "after 2 tries" in response.text
    assert "Send again" in response.text


def test_the_sent_log_filters_by_status(leader_client):
    sent(1, status="sent")
    sent(2, status="failed")
    response = leader_client.get(OUTBOUND, {"status": "failed"})
    assert "Notice 2" in response.text
    assert "Notice 1" not in response.text


def test_the_sent_log_costs_the_same_for_one_and_fifty(leader_client, django_assert_num_queries):
    sent(0)
    # session, user, page, bounded count
    assert_queries(leader_client, OUTBOUND, 4, django_assert_num_queries)
    for n in range(1, 50):
        sent(n, status="failed" if n % 2 else "sent")
    response = assert_queries(leader_client, OUTBOUND, 4, django_assert_num_queries)
    assert "Notice 49" in response.text


def test_a_leader_sends_a_failed_notice_again(
    leader_client, leader, django_capture_on_commit_callbacks
):
    notice = sent(1, status="failed", attempts=5, last_error="timed out")
    with django_capture_on_commit_callbacks(execute=True):
        response = leader_client.post(RESEND, {"pk": notice.pk})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == OutboundMail.Status.QUEUED
    assert DBTaskResult.objects.get().args_kwargs["args"] == [notice.pk]
    assert AuditEntry.objects.get(summary="Sending again after 5 tries").actor == leader


def test_a_notice_that_went_out_is_not_sent_again(leader_client):
    notice = sent(1, status="sent")
    response = leader_client.post(RESEND, {"pk": notice.pk}, follow=True)
    assert "Only mail that failed to send can be sent again." in response.text
    notice.refresh_from_db()
    assert notice.status == OutboundMail.Status.SENT


@pytest.mark.parametrize("persona", ["technician", "staff", "viewer"], indirect=True)
def test_only_leaders_send_notices_again(persona):
    _, client = persona
    notice = sent(1, status="failed")
    assert client.post(RESEND, {"pk": notice.pk}).status_code == 403
    notice.refresh_from_db()
    assert notice.status == OutboundMail.Status.FAILED
