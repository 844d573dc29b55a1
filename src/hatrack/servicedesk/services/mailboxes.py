"""The desk's mail settings: the IMAP mailboxes it polls, and sending failed notices again.

Secrets (the password, the OAuth client secret and refresh token) are write-only: the
pages never show them, and an update that leaves one blank keeps the stored value. The
audit trail never records them (Mailbox.audit_exclude).
"""

from __future__ import annotations

import contextlib
import imaplib
import ssl
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from hatrack.core import audit
from hatrack.servicedesk.models import Mailbox, OutboundMail

if TYPE_CHECKING:
    from hatrack.accounts.models import User

SECRET_FIELDS = ("password", "oauth_client_secret", "oauth_refresh_token")
EDITABLE_FIELDS = (
    "name",
    "queue",
    "host",
    "port",
    "security",
    "username",
    "auth",
    "folder",
    "oauth_token_url",
    "oauth_client_id",
    "oauth_scope",
    "active",
    *SECRET_FIELDS,
)
SECRET_LABELS = {
    "password": "password",
    "oauth_client_secret": "OAuth client secret",
    "oauth_refresh_token": "OAuth refresh token",
}
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
# "Test connection" runs while the leader waits: a dead server must not hold the page.
CHECK_TIMEOUT_SECONDS = 10


def _check_mailbox(mailbox: Mailbox) -> None:
    """Rules the model cannot state alone: what each way of signing in needs."""
    errors: dict[str, str] = {}
    if mailbox.security == Mailbox.Security.NONE and mailbox.host not in LOOPBACK_HOSTS:
        errors["security"] = (
            "Mail passwords must not cross the network unencrypted: use SSL/TLS or STARTTLS."
        )
    if mailbox.auth == Mailbox.Auth.PASSWORD and not mailbox.password:
        errors["password"] = "Enter the mailbox's password."  # noqa: S105 - a message, not a secret
    if mailbox.auth == Mailbox.Auth.XOAUTH2:
        needed = {
            "oauth_token_url": "Enter the provider's token URL.",
            "oauth_client_id": "Enter the app's client id.",
            "oauth_refresh_token": "Enter the refresh token the provider issued.",
        }
        errors.update({f: text for f, text in needed.items() if not getattr(mailbox, f)})
    if errors:
        raise ValidationError(errors)
    mailbox.full_clean()


def _apply(mailbox: Mailbox, values: dict[str, Any]) -> None:
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not mailbox settings: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        if name in SECRET_FIELDS and not value:
            continue  # write-only: blank keeps what is stored
        setattr(mailbox, name, value.strip() if isinstance(value, str) else value)


def create_mailbox(*, by: User | None, **values: Any) -> Mailbox:
    """Add a mailbox for the worker to poll. Validated (ValidationError by field), audited."""
    mailbox = Mailbox()
    _apply(mailbox, values)
    _check_mailbox(mailbox)
    with transaction.atomic():
        mailbox.save()
        audit.record_create(mailbox, by=by)
    return mailbox


def update_mailbox(*, mailbox: Mailbox, by: User | None, **values: Any) -> Mailbox:
    """Change a mailbox's settings; blank secrets keep their stored values. Audited
    (changed secrets are recorded as changed, never their values)."""
    with transaction.atomic():
        current = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
        before = audit.snapshot(current)
        old_secrets = {name: getattr(current, name) for name in SECRET_FIELDS}
        _apply(current, values)
        _check_mailbox(current)
        current.save()
        audit.record_update(current, before, by=by)
        changed = [n for n in SECRET_FIELDS if getattr(current, n) != old_secrets[n]]
        if changed:
            labels = ", ".join(SECRET_LABELS[n] for n in changed)
            audit.record_event(current, by=by, summary=f"Replaced the stored {labels}")
    return current


def check_mailbox_connection(mailbox: Mailbox) -> str:
    """Connect, sign in and open the folder, read-only; returns what the server said.

    Raises ValidationError with the reason in words when any step fails. Gives up after
    CHECK_TIMEOUT_SECONDS on a server that does not answer. Changes nothing here (an
    OAuth provider may rotate the refresh token, which is then kept).
    """
    from hatrack.servicedesk.mail.imap import connect, quoted, sign_in

    try:
        conn = connect(mailbox, timeout=CHECK_TIMEOUT_SECONDS)
        try:
            sign_in(conn, mailbox)
            status, data = conn.select(quoted(mailbox.folder), readonly=True)
            if status != "OK":
                raise ValidationError(f"Signed in, but the folder {mailbox.folder!r} is missing.")
            count = data[0].decode("ascii", "replace") if data and data[0] else "0"
        finally:
            _close(conn)
    except ValidationError:
        raise
    except (imaplib.IMAP4.error, OSError, ValueError) as exc:
        raise ValidationError(_describe(exc)) from exc
    except Exception as exc:  # the OAuth exchange has its own errors; all end as words
        raise ValidationError(f"Signing in failed: {exc}") from exc
    return f"Connected and signed in; {mailbox.folder} holds {count} messages."


def _close(conn: imaplib.IMAP4) -> None:
    # The answer is already known; a rude goodbye changes nothing.
    with contextlib.suppress(imaplib.IMAP4.error, OSError):
        conn.logout()


def _describe(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return f"The server did not answer within {CHECK_TIMEOUT_SECONDS} seconds."
    if isinstance(error, ssl.SSLError):
        return f"The secure connection failed: {error}"
    if isinstance(error, OSError):
        return f"The server could not be reached: {error.strerror or error}"
    text = str(error).strip("b'\"")
    return f"The server refused: {text}"


def resend_outbound_mail(*, outbound: OutboundMail, by: User | None) -> OutboundMail:
    """Queue a failed notice to be sent again now. Refused for one not failed. Audited."""
    from hatrack.servicedesk.tasks.mail import send_outbound_mail

    with transaction.atomic():
        row = OutboundMail.objects.select_for_update().get(pk=outbound.pk)
        if row.status != OutboundMail.Status.FAILED:
            raise ValidationError("Only mail that failed to send can be sent again.")
        row.status = OutboundMail.Status.QUEUED
        row.save(update_fields=["status"])
        audit.record_event(row, by=by, summary=f"Sending again after {row.attempts} tries")
        transaction.on_commit(lambda: send_outbound_mail.enqueue(row.pk))
    return row
