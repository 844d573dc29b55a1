"""Polling a real IMAP server (Dovecot on loopback), one round at a time."""

from __future__ import annotations

import imaplib
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from hatrack.servicedesk.mail import imap
from hatrack.servicedesk.models import InboundMail, Mailbox
from hatrack.servicedesk.tasks.mail import poll_mailboxes
from hatrack.servicedesk.tests.dovecot import OAUTH_TOKEN, Dovecot, loopback_http, running_dovecot
from hatrack.servicedesk.tests.mail_world import MailWorld, make_mail_world


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    with running_dovecot() as server:
        yield server


@pytest.fixture
def world(queue, dovecot) -> MailWorld:
    dovecot.clear()
    return make_mail_world(queue)


@pytest.fixture
def mailbox(world, dovecot) -> Mailbox:
    return Mailbox.objects.create(
        name="Help desk", queue=world.queue, host=dovecot.host, port=dovecot.port,
        security=Mailbox.Security.NONE, username=dovecot.user, password=dovecot.password,
    )  # fmt: skip


def message(n: int) -> bytes:
    return (
        f"From: jane.teacher@lincoln-usd.org\r\nSubject: Request {n}\r\n"
        f"Message-ID: <imap-{n}@lincoln-usd.org>\r\n\r\nBody {n}\r\n"
    ).encode()


def test_a_poll_takes_new_messages_and_moves_the_bookmark(mailbox, dovecot):
    dovecot.append(message(1))
    dovecot.append(message(2))
    report = imap.poll_mailbox(mailbox)
    mailbox.refresh_from_db()
    assert (report.recorded, report.error) == (2, "")
    assert mailbox.uidvalidity is not None
    assert mailbox.last_uid == max(r.mail.imap_uid for r in report.results)


def test_a_crash_after_recording_but_before_flagging_neither_loses_nor_duplicates(
    mailbox, dovecot, monkeypatch
):
    dovecot.append(message(1))
    original = imaplib.IMAP4.uid

    def crash_on_store(self, command, *args):
        if command == "STORE":
            raise imaplib.IMAP4.abort("connection lost")
        return original(self, command, *args)

    monkeypatch.setattr(imaplib.IMAP4, "uid", crash_on_store)
    assert imap.poll_mailbox(mailbox).error.startswith("The IMAP server refused")
    monkeypatch.undo()
    mailbox.refresh_from_db()
    again = imap.poll_mailbox(mailbox)
    assert [r.duplicate for r in again.results] == [True]
    assert InboundMail.objects.count() == 1
    assert b"\\Seen" in dovecot.flags()[0]


def test_a_changed_uidvalidity_reads_the_folder_again_without_duplicates(mailbox, dovecot):
    dovecot.append(message(1))
    imap.poll_mailbox(mailbox)
    Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=1, last_uid=999)
    mailbox.refresh_from_db()
    report = imap.poll_mailbox(mailbox)
    assert [r.duplicate for r in report.results] == [True]
    assert InboundMail.objects.count() == 1


def test_a_message_over_the_limit_is_rejected_from_its_headers_alone(mailbox, dovecot, settings):
    settings.HATRACK_MAIL_MAX_BYTES = 2000
    dovecot.append(message(1).replace(b"Body 1", b"x" * 5000))
    result = imap.poll_mailbox(mailbox).results[0].mail
    assert (result.outcome, result.size) == ("rejected", len(message(1)) + 4994)


def test_a_wrong_password_is_kept_as_the_mailboxs_last_error(mailbox):
    mailbox.password = "wrong"
    report = imap.poll_mailbox(mailbox)
    mailbox.refresh_from_db()
    assert "AUTHENTICATIONFAILED" in report.error
    assert mailbox.last_error == report.error
    assert mailbox.last_polled_at is not None


def test_the_periodic_task_polls_every_active_mailbox(mailbox, dovecot):
    dovecot.append(message(1))
    Mailbox.objects.create(
        name="Off", queue=mailbox.queue, host="127.0.0.1", port=1, username="x", active=False
    )
    assert poll_mailboxes.call() == 1


class _TokenEndpoint(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.dumps({"access_token": OAUTH_TOKEN, "expires_in": 3600}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_an_oauth_mailbox_signs_in_with_xoauth2_and_takes_its_mail(mailbox, dovecot):
    dovecot.append(message(1))
    with loopback_http(_TokenEndpoint) as endpoint:
        mailbox.auth, mailbox.password = Mailbox.Auth.XOAUTH2, ""
        mailbox.oauth_token_url = f"http://127.0.0.1:{endpoint.server_address[1]}/token"
        mailbox.oauth_client_id, mailbox.oauth_refresh_token = "hatrack", "refresh-1"
        report = imap.poll_mailbox(mailbox)
    assert (report.error, report.recorded) == ("", 1)
    assert "method=XOAUTH2" in dovecot.log()
