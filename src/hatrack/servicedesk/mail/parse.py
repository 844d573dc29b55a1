"""Reading one mail message, whatever shape it arrives in.

`parse_message(raw)` never raises on bad input: malformed MIME, wrong, missing or
unknown charsets, broken base64 or quoted-printable, 8-bit bytes in headers, missing
headers and absurdly nested multiparts all give a `ParsedMail` with the best text we
could recover. HTML-only mail is sanitized with nh3 (scripts, handlers and `javascript:`
links removed) and turned into plain text; nothing in a message is ever executed.
Everything here is pure: no database, no network.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from hatrack.servicedesk.mail.html import html_to_text
from hatrack.servicedesk.mail.text import decode_bytes, printable

# Deeper nesting than this is not mail anyone wrote; deeper parts are skipped.
MAX_DEPTH = 20
MAX_PARTS = 200
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")


@dataclass(frozen=True)
class MailFile:
    """An attached file as the message carried it (not yet checked)."""

    filename: str
    content: bytes
    declared_type: str


@dataclass
class ParsedMail:
    """What intake needs from a message; every string is printable text, never None."""

    message_id: str = ""
    sender: str = ""
    sender_name: str = ""
    subject: str = ""
    recipients: list[str] = field(default_factory=list)
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/plain"
    text: str = ""
    files: list[MailFile] = field(default_factory=list)
    size: int = 0
    body_parsed: bool = True

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this message answers, nearest first (In-Reply-To, then References)."""
        seen: dict[str, None] = {}
        for mid in [*self.in_reply_to, *reversed(self.references)]:
            seen.setdefault(mid, None)
        return list(seen)


def dedupe_key_for(raw: bytes, message_id: str) -> str:
    """The message's identity: its Message-ID, or a hash of its bytes when it has none.

    A Message-ID longer than the column is hashed too, so the key always fits.
    """
    if message_id and len(message_id) <= 255:
        return message_id
    source = message_id.encode("utf-8", "replace") if message_id else raw
    return f"sha256:{hashlib.sha256(source).hexdigest()}"


def message_ids(value: str) -> list[str]:
    """The Message-IDs in a header value, without angle brackets ('<a@b> <c@d>' -> [a@b, c@d]).

    A bare id without brackets (some clients send them) is taken whole.
    """
    found = _MESSAGE_ID.findall(value)
    if not found and value.strip() and " " not in value.strip():
        found = [value.strip().strip("<>")]
    return [printable(mid)[:255] for mid in found if mid]


def is_address(value: str) -> bool:
    return bool(_ADDRESS.match(value)) and len(value) <= 320


# --- Headers ------------------------------------------------------------------------------


def _raw_header(message: Message, name: str) -> str:
    """A header's value without the policy's parsing, RFC 2047 words decoded, or ''."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            text = printable(str(value))
            try:
                return printable(str(make_header(decode_header(text))))
            except (ValueError, LookupError, UnicodeError, AssertionError):
                return text
    return ""


def header(message: Message, name: str) -> str:
    """A header's decoded, unfolded value ('' when missing or beyond repair)."""
    try:
        value = message.get(name)
    except Exception:
        return _raw_header(message, name)
    if value is None:
        return ""
    return " ".join(printable(str(value)).split())


def _policy_address(message: Message, name: str) -> tuple[str, str] | None:
    try:
        addresses = getattr(message.get(name), "addresses", ())
    except Exception:  # junk headers break the strict parser; see _sender
        return None
    if addresses and addresses[0].addr_spec:
        return printable(addresses[0].addr_spec).lower(), printable(addresses[0].display_name)
    return None


def _sender(message: Message) -> tuple[str, str]:
    """(address, display name) of the author: From, else Sender; ('', '') if none.
    The strict parser is tried first and the forgiving one after."""
    for name in ("from", "sender"):
        found = _policy_address(message, name)
        if found:
            return found
        display, address = parseaddr(_raw_header(message, name))
        if address:
            return printable(address).lower(), printable(display)
    return "", ""


def _recipients(message: Message) -> list[str]:
    values = [
        header(message, name)
        for name in ("delivered-to", "x-original-to", "envelope-to", "to", "cc")
    ]
    found = [address.lower() for _, address in getaddresses(values) if is_address(address)]
    return list(dict.fromkeys(found))


# Headers that decide whether a message is automatic mail; kept for intake's rules.
SIGNAL_HEADERS = (
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "x-auto-response-suppress",
    "precedence",
    "x-precedence",
    "x-failed-recipients",
    "return-path",
    "list-id",
    "feedback-id",
)


# --- Body ---------------------------------------------------------------------------------


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        payload = str(part.get_payload()).encode("utf-8", "surrogateescape")
    return decode_bytes(payload, part.get_content_charset())


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    return printable(str(name)) if name else ""


def _is_attachment(part: Message, filename: str) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    return disposition == "attachment" or bool(filename)


def _leaves(message: Message, depth: int = 0) -> list[Message]:
    """The message's leaf parts in order; an attached message (message/rfc822) is one leaf."""
    if depth > MAX_DEPTH:
        return []
    if not message.is_multipart() or message.get_content_type() == "message/rfc822":
        return [message]
    payload = message.get_payload()
    if not isinstance(payload, list):
        return [message]
    leaves: list[Message] = []
    for part in payload:
        if isinstance(part, Message):
            leaves.extend(_leaves(part, depth + 1))
        if len(leaves) >= MAX_PARTS:
            break
    return leaves


def _attached_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822" and part.is_multipart():
        inner = part.get_payload(0)
        try:
            return inner.as_bytes(policy=policy.compat32) if isinstance(inner, Message) else b""
        except Exception:
            return str(inner).encode("utf-8", "replace")
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _body(message: Message) -> tuple[str, list[MailFile]]:
    plain: list[str] = []
    html: list[str] = []
    files: list[MailFile] = []
    for part in _leaves(message):
        ctype = part.get_content_type()
        filename = _filename(part)
        if ctype == "message/rfc822" and not filename:
            filename = "attached-message.eml"
        if _is_attachment(part, filename) and not (ctype.startswith("text/") and not filename):
            files.append(MailFile(filename or "attachment", _attached_bytes(part), ctype))
        elif ctype == "text/plain" or ctype.startswith("multipart/"):
            # A "multipart" leaf is one whose boundary was missing: its body is plain text.
            plain.append(_part_text(part))
        elif ctype == "text/html":
            html.append(_part_text(part))
        # Other unnamed parts (calendar alternatives, delivery reports) carry no request.
    text = "\n\n".join(t for t in plain if t.strip())
    if not text.strip():
        text = "\n\n".join(html_to_text(h) for h in html if h.strip())
    return text.strip(), files


# --- The whole message --------------------------------------------------------------------


def parse_message(raw: bytes, *, size: int | None = None, headers_only: bool = False) -> ParsedMail:
    """Everything intake needs from `raw` (a whole message, or only its header section
    when `headers_only`, as for a message over the size limit). Never raises."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    mid = message_ids(header(message, "message-id"))
    sender, name = _sender(message)
    parsed = ParsedMail(
        message_id=mid[0] if mid else "",
        sender=sender if is_address(sender) else "",
        sender_name=name[:200],
        subject=header(message, "subject")[:300],
        recipients=_recipients(message),
        in_reply_to=message_ids(header(message, "in-reply-to"))[:20],
        references=message_ids(header(message, "references"))[-50:],
        headers={name: header(message, name).lower() for name in SIGNAL_HEADERS},
        content_type=message.get_content_type(),
        size=size if size is not None else len(raw),
        body_parsed=not headers_only,
    )
    if not headers_only:
        try:
            parsed.text, parsed.files = _body(message)
        except Exception:
            parsed.text = decode_bytes(raw.partition(b"\n\n")[2], None).strip()
    return parsed


def header_section(raw: bytes, limit: int = 256 * 1024) -> bytes:
    """The header block of a message (up to the first blank line), at most `limit` bytes."""
    head = raw[:limit]
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = head.find(separator)
        if end != -1:
            return head[: end + len(separator)]
    return head
