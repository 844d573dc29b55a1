"""The whole corpus of real-world and hostile mail, through both ways in: a real IMAP
server (Dovecot on loopback, one poll) and `hatrack ingest-mail`. Zero crashes, exactly
one outcome per message, no answer to automatic mail, threads joined correctly."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from hatrack.directory.models import Person
from hatrack.servicedesk.mail.imap import poll_mailbox
from hatrack.servicedesk.models import Attachment, InboundMail, Mailbox, OutboundMail, Ticket
from hatrack.servicedesk.tests.dovecot import Dovecot, running_dovecot
from hatrack.servicedesk.tests.mail_world import (
    CORPUS,
    MAX_ATTACHMENT_BYTES,
    MAX_MESSAGE_BYTES,
    MailWorld,
    corpus,
    make_mail_world,
)

CREATED, REPLY, IGNORED, REJECTED = "ticket_created", "reply_added", "ignored", "rejected"
DUPLICATE = "duplicate"
EXPECTED = {
    "apple_mail_reply_to_root_id.eml": REPLY,
    "attachment_over_limit.eml": REJECTED,
    "auto_submitted_reply.eml": IGNORED,
    "bounce_delivery_status.eml": IGNORED,
    "bounce_postmaster.eml": IGNORED,
    "broken_base64.eml": CREATED,
    "deeply_nested.eml": CREATED,
    "duplicate_message_id_a.eml": CREATED,
    "duplicate_message_id_b.eml": DUPLICATE,
    "eight_bit_headers.eml": CREATED,
    "empty_body.eml": CREATED,
    "exe_attachment.eml": REJECTED,
    "garbage_headers.eml": CREATED,
    "gmail_reply_in_reply_to.eml": REPLY,
    "html_only_with_scripts.eml": CREATED,
    "iso_8859_1.eml": CREATED,
    "koi8_r.eml": CREATED,
    "message_over_limit.eml": REJECTED,
    "missing_charset.eml": CREATED,
    "missing_from.eml": REJECTED,
    "nested_multipart_forward.eml": CREATED,
    "new_request_plain.eml": CREATED,
    "no_message_id.eml": CREATED,
    "outlook_out_of_office.eml": IGNORED,
    "outlook_reply_with_reference.eml": REPLY,
    "outside_sender.eml": REJECTED,
    "png_attachment.eml": CREATED,
    "precedence_bulk.eml": IGNORED,
    "precedence_junk.eml": IGNORED,
    "precedence_list.eml": IGNORED,
    "reply_to_closed_ticket.eml": CREATED,
    "rfc2047_subject.eml": CREATED,
    "shift_jis.eml": CREATED,
    "unknown_charset.eml": CREATED,
    "unknown_district_sender.eml": CREATED,
    "windows_1252.eml": CREATED,
    "wrong_declared_charset.eml": CREATED,
    "x_autoreply.eml": IGNORED,
    "zip_attachment.eml": REJECTED,
}
# Text each message's ticket must show, decoded from its charset and transfer encoding.
TEXTS = {
    "iso_8859_1.eml": "Le vidéoprojecteur de la salle 3",
    "windows_1252.eml": "The “badge reader” at the front door – it beeps red …",
    "shift_jis.eml": "三階のプリンターが動きません。",
    "koi8_r.eml": "Не работает почта",
    "wrong_declared_charset.eml": "est cassé, Noël",
    "missing_charset.eml": "Grüße",
    "unknown_charset.eml": "Projector remote missing § 12",
    "html_only_with_scripts.eml": "My laptop will not charge.",
    "nested_multipart_forward.eml": "Forwarding this report from a colleague.",
    "garbage_headers.eml": "bell schedule display",
    "deeply_nested.eml": "",
}
SUBJECTS = {
    "rfc2047_subject.eml": "Tablette cassée à l'école",
    "shift_jis.eml": "プリンターが動きません",
    "koi8_r.eml": "Не работает почта",
    "iso_8859_1.eml": "Vidéoprojecteur en panne",
}
AUTOMATIC_SENDERS = {
    "news@lincoln-usd.org",
    "pat.principal@lincoln-usd.org",
    "mailer-daemon@lincoln-usd.org",
    "postmaster@example.net",
}


@pytest.fixture(autouse=True)
def mail_limits(settings):
    settings.HATRACK_MAIL_MAX_BYTES = MAX_MESSAGE_BYTES
    settings.HATRACK_ATTACHMENT_MAX_BYTES = MAX_ATTACHMENT_BYTES
    # The corpus has some thirty messages from one teacher; the loop test has its own.
    settings.HATRACK_MAIL_LOOP_LIMIT = 100


@pytest.fixture
def world(queue) -> MailWorld:
    return make_mail_world(queue)


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    with running_dovecot() as server:
        yield server


def test_the_expectations_cover_every_message_in_the_corpus():
    assert sorted(EXPECTED) == [path.name for path in corpus()]


def ingest_by_pipe(path: Path) -> InboundMail:
    out = io.StringIO()
    call_command("ingest_mail", stdin=io.BytesIO(path.read_bytes()), stdout=out)
    return InboundMail.objects.get(pk=int(re.search(r"#(\d+)", out.getvalue()).group(1)))


def check_outcomes(rows: dict[str, InboundMail], world: MailWorld) -> None:
    first = rows["duplicate_message_id_a.eml"]
    assert rows["duplicate_message_id_b.eml"].pk == first.pk
    outcomes = {name: EXPECTED[name] for name in rows}
    outcomes["duplicate_message_id_b.eml"] = first.outcome
    assert {name: row.outcome for name, row in rows.items()} == outcomes
    assert InboundMail.objects.count() == len(EXPECTED) - 1


def check_threads(rows: dict[str, InboundMail], world: MailWorld) -> None:
    assert rows["outlook_reply_with_reference.eml"].ticket_id == world.projector.pk
    assert rows["apple_mail_reply_to_root_id.eml"].ticket_id == world.wifi.pk
    assert rows["gmail_reply_in_reply_to.eml"].ticket_id == world.printer.pk
    outlook = rows["outlook_reply_with_reference.eml"].ticket_message
    assert outlook.body.startswith("It is still dark after the new lamp.")
    assert "Sent: Friday" not in outlook.body
    assert (outlook.author_person, outlook.channel) == (world.jane, "email")
    gmail = rows["gmail_reply_in_reply_to.eml"].ticket_message
    assert gmail.body == "It jammed again this morning, tray 2."
    follow_up = rows["reply_to_closed_ticket.eml"].ticket
    assert follow_up.pk != world.camera.pk
    assert "HT-000125" in follow_up.description
    assert follow_up.subject == "Document camera"


def check_texts(rows: dict[str, InboundMail]) -> None:
    for name, text in TEXTS.items():
        assert text in rows[name].ticket.description, name
    for name, subject in SUBJECTS.items():
        assert rows[name].ticket.subject == subject, name
    html = rows["html_only_with_scripts.eml"].ticket.description
    for hostile in ("alert", "script", "javascript", "onerror", "steal", "evil.example"):
        assert hostile not in html
    assert "the guide (https://example.org/help)" in html


def check_no_answer_to_robots(rows: dict[str, InboundMail]) -> None:
    addresses = set(OutboundMail.objects.values_list("to", flat=True))
    assert not addresses & AUTOMATIC_SENDERS
    assert "stranger@example.net" not in addresses
    notices = OutboundMail.objects.filter(kind=OutboundMail.Kind.REJECTED)
    assert sorted(notices.values_list("to", flat=True)) == ["jane.teacher@lincoln-usd.org"] * 4
    assert not Person.objects.filter(email__in=AUTOMATIC_SENDERS).exists()


def check_people_and_files(rows: dict[str, InboundMail]) -> None:
    newcomer = rows["unknown_district_sender.eml"].ticket.requester
    assert (newcomer.full_name, newcomer.role) == ("Morgan Newhire", "staff")
    assert not Person.objects.filter(email="stranger@example.net").exists()
    png = rows["png_attachment.eml"].ticket
    assert list(Attachment.objects.filter(ticket=png).values_list("filename", flat=True)) == [
        "error.png"
    ]
    for name in ("zip_attachment.eml", "exe_attachment.eml", "attachment_over_limit.eml"):
        assert rows[name].ticket is None
        assert "attachment refused" in rows[name].reason
    assert rows["message_over_limit.eml"].reason.startswith("message too big")
    forwarded = rows["nested_multipart_forward.eml"].ticket
    assert forwarded.attachments.get().filename == "attached-message.eml"
    # Refused mail left nothing behind: the only files stored are these two.
    assert Attachment.objects.count() == 2


def check_everything(rows: dict[str, InboundMail], world: MailWorld) -> None:
    check_outcomes(rows, world)
    check_threads(rows, world)
    check_texts(rows)
    check_no_answer_to_robots(rows)
    check_people_and_files(rows)


def test_the_corpus_through_ingest_mail_gets_one_outcome_each(world):
    rows = {path.name: ingest_by_pipe(path) for path in corpus()}
    check_everything(rows, world)


def test_the_corpus_through_imap_gets_one_outcome_each(world, dovecot):
    dovecot.clear()
    for path in corpus():
        dovecot.append(path.read_bytes())
    mailbox = Mailbox.objects.create(
        name="Help desk", queue=world.queue, host=dovecot.host, port=dovecot.port,
        security=Mailbox.Security.NONE, username=dovecot.user, password=dovecot.password,
    )  # fmt: skip
    report = poll_mailbox(mailbox)
    assert report.error == ""
    rows = {path.name: result.mail for path, result in zip(corpus(), report.results, strict=True)}
    check_everything(rows, world)
    assert all(row.source == "imap" and row.mailbox == mailbox for row in rows.values())
    assert all(b"\\Seen" in line for line in dovecot.flags())


def test_a_second_poll_of_the_same_mailbox_records_nothing_new(world, dovecot):
    dovecot.clear()
    for path in corpus()[:5]:
        dovecot.append(path.read_bytes())
    mailbox = Mailbox.objects.create(
        name="Help desk", queue=world.queue, host=dovecot.host, port=dovecot.port,
        security=Mailbox.Security.NONE, username=dovecot.user, password=dovecot.password,
    )  # fmt: skip
    poll_mailbox(mailbox)
    count = InboundMail.objects.count()
    again = poll_mailbox(mailbox)
    assert (again.results, InboundMail.objects.count()) == ([], count)


@pytest.mark.django_db(transaction=True)
def test_the_real_command_reads_a_message_on_standard_input(queue, tmp_path):
    """One run of `hatrack ingest-mail` as a mail server would pipe to it."""
    make_mail_world(queue)
    from django.db import connection

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memorydb", ":memory:")
    ):
        pytest.skip("the in-memory SQLite test database is invisible to another process")
    env = {**os.environ, "DATABASE_URL": os.environ.get("DATABASE_URL", "")}
    env["DATABASE_URL"] = _database_url(connection)
    done = subprocess.run(
        [sys.executable, "-m", "hatrack.cli", "ingest-mail", "--queue", queue.code],
        input=(CORPUS / "new_request_plain.eml").read_bytes(),
        capture_output=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().startswith("ticket_created HT-")
    assert Ticket.objects.filter(subject="Smartboard in room 4 does not turn on").exists()


def _database_url(connection) -> str:
    params = connection.settings_dict
    user, host, port = params["USER"], params["HOST"] or "127.0.0.1", params["PORT"] or 5432
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"
