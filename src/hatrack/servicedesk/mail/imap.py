"""Polling an IMAP mailbox: one round takes every message that arrived since the last.

The bookmark is the server's own: the folder's UIDVALIDITY and the highest UID taken
(`Mailbox.uidvalidity`/`last_uid`). Each message is handled in order: taken in (its
outcome committed by `intake.ingest`), then flagged \\Seen on the server, then the
bookmark moves past it. A crash anywhere in between leaves the message before the
bookmark, so the next round fetches it again and intake's dedupe key makes that a
no-op: nothing is lost and nothing is stored twice. When the server's UIDVALIDITY
changes (the folder was rebuilt), the round starts again from the first message.

Messages over HATRACK_MAIL_MAX_BYTES are never downloaded whole: only their header
section, enough to record them as rejected and tell the sender.
"""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from hatrack.servicedesk.mail.intake import Delivery, IntakeResult, ingest, max_message_bytes
from hatrack.servicedesk.mail.oauth import OAuthError, refresh_access_token, xoauth2_string
from hatrack.servicedesk.models import InboundMail, Mailbox

logger = logging.getLogger("hatrack.servicedesk.mail")

TIMEOUT_SECONDS = 30
# Messages taken per round; the rest wait for the next round a minute later.
BATCH = 200
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(Exception):
    """The mailbox could not be read; the message says why, for the mailbox's page."""


@dataclass
class PollReport:
    """What one round did: messages recorded (new outcomes) and seen again, or the error."""

    mailbox: str
    results: list[IntakeResult] = field(default_factory=list)
    error: str = ""

    @property
    def recorded(self) -> int:
        return sum(1 for r in self.results if not r.duplicate)

    @property
    def duplicates(self) -> int:
        return sum(1 for r in self.results if r.duplicate)


def quoted(name: str) -> str:
    """A folder name as an IMAP quoted string."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def connect(mailbox: Mailbox, *, timeout: float = TIMEOUT_SECONDS) -> imaplib.IMAP4:
    """An IMAP connection with the mailbox's transport security (not yet signed in)."""
    context = ssl.create_default_context()
    if mailbox.security == Mailbox.Security.SSL:
        return imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=context, timeout=timeout)
    conn = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
    if mailbox.security == Mailbox.Security.STARTTLS:
        conn.starttls(ssl_context=context)
    return conn


def _xoauth2_responder(username: str, token: str) -> Callable[[bytes], bytes]:
    """Answers the server's challenges: the XOAUTH2 string first; an empty line to the
    error challenge a server sends when it refuses the token, so it ends with NO."""
    sent = False

    def respond(_challenge: bytes) -> bytes:
        nonlocal sent
        if sent:
            return b""
        sent = True
        return xoauth2_string(username, token)

    return respond


def sign_in(conn: imaplib.IMAP4, mailbox: Mailbox) -> None:
    """LOGIN with the password, or AUTHENTICATE XOAUTH2 with a fresh access token.
    A refresh token the provider rotated is kept for the next round."""
    if mailbox.auth != Mailbox.Auth.XOAUTH2:
        conn.login(mailbox.username, mailbox.password)
        return
    token = refresh_access_token(mailbox)
    if token.refresh_token and token.refresh_token != mailbox.oauth_refresh_token:
        Mailbox.objects.filter(pk=mailbox.pk).update(oauth_refresh_token=token.refresh_token)
        mailbox.oauth_refresh_token = token.refresh_token
    conn.authenticate("XOAUTH2", _xoauth2_responder(mailbox.username, token.token))


def _select(conn: imaplib.IMAP4, mailbox: Mailbox) -> int:
    """Open the folder read-write; returns its UIDVALIDITY."""
    status, data = conn.select(quoted(mailbox.folder))
    if status != "OK":
        detail = data[0].decode("utf-8", "replace") if data and data[0] else "no reason given"
        raise MailboxError(f"The folder {mailbox.folder!r} could not be opened: {detail}")
    _, values = conn.response("UIDVALIDITY")
    if not values or values[0] is None:
        _, status_data = conn.status(quoted(mailbox.folder), "(UIDVALIDITY)")
        values = re.findall(rb"UIDVALIDITY (\d+)", status_data[0] or b"")
    return int(values[0])


def _bookmark_start(mailbox: Mailbox, uidvalidity: int) -> int:
    if mailbox.uidvalidity != uidvalidity:
        if mailbox.uidvalidity is not None:
            logger.warning("Mailbox %s: UIDVALIDITY changed; reading it again", mailbox)
        mailbox.uidvalidity, mailbox.last_uid = uidvalidity, 0
        Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=uidvalidity, last_uid=0)
    return mailbox.last_uid


def _new_uids(conn: imaplib.IMAP4, after: int) -> list[int]:
    _, data = conn.uid("SEARCH", f"UID {after + 1}:*")
    # "n:*" always matches the newest message, even when its UID is below n.
    uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > after)
    return uids[:BATCH]


def _fetch(conn: imaplib.IMAP4, uid: int) -> tuple[bytes, int | None] | None:
    """(raw bytes, full size when only the headers were fetched), or None if gone."""
    _, data = conn.uid("FETCH", str(uid), "(RFC822.SIZE)")
    match = _SIZE.search(data[0] if data and isinstance(data[0], bytes) else b"")
    if match is None:
        return None  # expunged since the search
    size = int(match.group(1))
    oversize = size > max_message_bytes()
    part = "BODY.PEEK[HEADER]" if oversize else "BODY.PEEK[]"
    _, data = conn.uid("FETCH", str(uid), f"({part})")
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1]), size if oversize else None
    return None


def _take(conn: imaplib.IMAP4, mailbox: Mailbox, uid: int) -> IntakeResult | None:
    fetched = _fetch(conn, uid)
    result = None
    if fetched is not None:
        raw, size = fetched
        delivery = Delivery(InboundMail.Source.IMAP, mailbox.queue, mailbox, uid)
        result = ingest(raw, delivery=delivery, size=size)
        conn.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")
    mailbox.last_uid = uid
    Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=uid)
    return result


def _round(mailbox: Mailbox, report: PollReport) -> None:
    conn = connect(mailbox)
    try:
        sign_in(conn, mailbox)
        start = _bookmark_start(mailbox, _select(conn, mailbox))
        for uid in _new_uids(conn, start):
            result = _take(conn, mailbox, uid)
            if result is not None:
                report.results.append(result)
    finally:
        try:
            conn.logout()
        except (imaplib.IMAP4.error, OSError):
            logger.debug("Mailbox %s: logout failed", mailbox)


def poll_mailbox(mailbox: Mailbox) -> PollReport:
    """One round on one mailbox (see the module's docstring). A connection, sign-in or
    server error ends the round, is kept in `last_error` and returned in the report;
    what was taken before it stays taken."""
    report = PollReport(mailbox=mailbox.name)
    try:
        _round(mailbox, report)
    except (TimeoutError, imaplib.IMAP4.error, OSError, OAuthError, MailboxError) as error:
        report.error = _describe(error)
        logger.warning("Mailbox %s: %s", mailbox, report.error)
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=timezone.now(), last_error=report.error
    )
    return report


def _describe(error: Exception) -> str:
    if isinstance(error, imaplib.IMAP4.error):
        text = str(error).strip("b'\"")
        return f"The IMAP server refused: {text}"[:1000]
    if isinstance(error, OSError) and not isinstance(error, ssl.SSLError):
        return f"The IMAP server could not be reached: {error}"[:1000]
    return str(error)[:1000]


def poll_active_mailboxes() -> list[PollReport]:
    """One round on every active mailbox, one after another."""
    mailboxes = Mailbox.objects.filter(active=True).select_related("queue").order_by("pk")
    return [poll_mailbox(mailbox) for mailbox in mailboxes]
