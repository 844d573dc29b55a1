"""Mail no person wrote: auto-replies, bounces, list and bulk mail (RFC 3834).

Such mail is recorded as ignored and never answered, so Hatrack cannot start or feed a
loop with an out-of-office robot or a mailer daemon. The checks read headers only.
"""

from __future__ import annotations

from hatrack.servicedesk.mail.parse import ParsedMail

BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"})
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
# Exchange marks its own automatic mail (out-of-office, receipts) with these values.
SUPPRESSED_RESPONSES = ("all", "oof", "autoreply")


def _bounce_reason(mail: ParsedMail) -> str | None:
    local = mail.sender.partition("@")[0]
    if local in BOUNCE_SENDERS:
        return f"bounce (from {local})"
    if mail.content_type == "multipart/report":
        return "bounce (delivery report)"
    if mail.headers.get("x-failed-recipients"):
        return "bounce (X-Failed-Recipients)"
    if mail.headers.get("return-path", "").strip() == "<>":
        return "bounce (empty Return-Path)"
    return None


def automatic_reason(mail: ParsedMail) -> str | None:
    """Why this message is automatic mail (the reason recorded), or None for a person's."""
    headers = mail.headers
    auto = headers.get("auto-submitted", "")
    if auto and not auto.startswith("no"):
        return f"automatic mail (Auto-Submitted: {auto[:40]})"
    for name in ("x-autoreply", "x-autorespond"):
        if headers.get(name):
            return f"auto-reply ({name})"
    suppress = headers.get("x-auto-response-suppress", "")
    if any(value in suppress for value in SUPPRESSED_RESPONSES):
        return f"automatic mail (X-Auto-Response-Suppress: {suppress[:40]})"
    precedence = headers.get("precedence") or headers.get("x-precedence", "")
    if precedence in BULK_PRECEDENCE:
        return f"bulk or list mail (Precedence: {precedence})"
    return _bounce_reason(mail)
