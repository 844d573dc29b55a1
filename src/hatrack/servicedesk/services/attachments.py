"""Files attached to tickets: checked before anything is written, stored under random names.

Every file is hostile until checked: `check_attachment` is pure (it writes nothing) and
refuses a file that is empty, over `HATRACK_ATTACHMENT_MAX_BYTES` (default 10 MB), of a
type not on the allow-list, or whose bytes contradict its name (a ".png" that is not a
PNG, a ".txt" with binary content). Callers with several files (a portal form, an email)
check them all first and then write, so a refused file leaves nothing half-stored.

`add_attachment` stores the bytes under a random name (never the sender's), keeps the
cleaned original name for display, and is called inside the caller's transaction. Files
are only ever served as downloads (see views/attachments.py).
"""

from __future__ import annotations

import datetime
import hashlib
import re
import time
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat

from hatrack.core import audit
from hatrack.servicedesk.models import Attachment, Ticket, TicketMessage

if TYPE_CHECKING:
    from hatrack.accounts.models import User

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_FILES = 10
MAX_NAME_LENGTH = 120
ATTACHMENT_FOLDER = "attachments"
ORPHAN_AGE = datetime.timedelta(days=1)

# What people attach to help requests: screenshots, photos, documents, logs. No HTML, SVG,
# scripts, executables or archives: they could carry active content, and nobody needs
# one to describe a broken projector.
ALLOWED_TYPES: dict[str, str] = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".eml": "message/rfc822",
}
# The first bytes each binary type must start with; text types must hold no NUL byte.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/pdf": (b"%PDF-",),
    # Office Open XML and OpenDocument files are zip containers.
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (b"PK\x03\x04",),
    "application/vnd.oasis.opendocument.text": (b"PK\x03\x04",),
    "application/vnd.oasis.opendocument.spreadsheet": (b"PK\x03\x04",),
    # Legacy Office files are OLE compound documents.
    "application/msword": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "application/vnd.ms-excel": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
TEXT_TYPES = frozenset({"text/plain", "text/csv", "message/rfc822"})
_UNSAFE_NAME = re.compile(r"[^\w.\- ()\[\]]+", re.UNICODE)


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed `check_attachment`: its display name, bytes, type and digest."""

    filename: str
    content: bytes
    content_type: str
    size: int
    sha256: str


def max_attachment_bytes() -> int:
    return int(getattr(settings, "HATRACK_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_attachments_per_message() -> int:
    return int(getattr(settings, "HATRACK_ATTACHMENTS_PER_MESSAGE", DEFAULT_MAX_FILES))


def allowed_extensions() -> str:
    """The allowed file endings, for help texts and error messages."""
    return ", ".join(sorted(ALLOWED_TYPES))


def safe_filename(name: str) -> str:
    """The last path component of `name`, NFC-normalised, without control characters
    or punctuation that means something to a shell or a browser, at most 120 characters
    (the extension kept). Never empty."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE_NAME.sub("_", base).strip(" ._") or "attachment"
    stem, dot, ext = base.rpartition(".")
    if dot and len(ext) <= 10:
        return f"{stem[: MAX_NAME_LENGTH - len(ext) - 1]}.{ext}"
    return base[:MAX_NAME_LENGTH]


def _extension(filename: str) -> str:
    _, dot, ext = filename.rpartition(".")
    return f".{ext.lower()}" if dot else ""


def _content_matches(content_type: str, content: bytes) -> bool:
    if content_type in TEXT_TYPES:
        return b"\x00" not in content
    if content_type == "image/webp":
        return content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    if content_type == "image/heic":
        return content[4:8] == b"ftyp"
    return content.startswith(SIGNATURES[content_type])


def check_attachment(*, filename: str, content: bytes, declared_type: str = "") -> CheckedFile:
    """Check one file; raises ValidationError (in words, naming the file) or returns it
    checked. `declared_type` (what the browser or the mail claimed) is ignored for the
    decision: the name's extension and the bytes decide. Writes nothing."""
    name = safe_filename(filename)
    size = len(content)
    if size == 0:
        raise ValidationError(f"{name} is empty.", code="empty")
    if size > max_attachment_bytes():
        raise ValidationError(
            f"{name} is {filesizeformat(size)}; files can be at most "
            f"{filesizeformat(max_attachment_bytes())}.",
            code="too_big",
        )
    content_type = ALLOWED_TYPES.get(_extension(name))
    if content_type is None:
        raise ValidationError(
            f"{name} is not a kind of file the service desk accepts. "
            f"Allowed: {allowed_extensions()}.",
            code="forbidden_type",
        )
    if not _content_matches(content_type, content):
        raise ValidationError(
            f"{name} does not contain what its name says; it was not accepted.",
            code="content_mismatch",
        )
    digest = hashlib.sha256(content).hexdigest()
    return CheckedFile(name, content, content_type, size, digest)


def check_attachments(files: list[tuple[str, bytes, str]]) -> list[CheckedFile]:
    """Check several (filename, content, declared type) files; every problem is reported
    together in one ValidationError, and nothing is returned unless all pass."""
    if len(files) > max_attachments_per_message():
        raise ValidationError(
            f"Attach at most {max_attachments_per_message()} files at once.", code="too_many"
        )
    checked, problems = [], []
    for filename, content, declared in files:
        try:
            checked.append(
                check_attachment(filename=filename, content=content, declared_type=declared)
            )
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError(problems)
    return checked


def add_attachment(
    *, ticket: Ticket, message: TicketMessage | None, checked: CheckedFile, by: User | None
) -> Attachment:
    """Store a checked file on the ticket (and the message it came with). Call inside the
    transaction that writes the message, so a failure leaves neither behind. Audited."""
    if message is not None and message.ticket_id != ticket.pk:
        raise ValidationError("The message belongs to another ticket.")
    stored_name = f"{uuid.uuid4().hex}{_extension(checked.filename)}"
    attachment = Attachment(
        ticket=ticket,
        message=message,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    attachment.file.save(stored_name, ContentFile(checked.content), save=False)
    attachment.save()
    audit.record_create(attachment, by=by)
    return attachment


def remove_orphan_files(*, older_than: datetime.timedelta = ORPHAN_AGE) -> int:
    """Delete stored files no attachment points to, older than `older_than`; returns how
    many. A file is written before the transaction that records it commits, so a rolled
    back message (a crash, a refused reply) can leave its file behind; this sweep keeps
    such leftovers from filling the disk. Young files are left alone: their transaction
    may still be running. Only for storage on the local file system."""
    root = Path(settings.MEDIA_ROOT) / ATTACHMENT_FOLDER
    if not root.is_dir():
        return 0
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for batch in _batches(_old_files(root, cutoff), 500):
        names = {str(path.relative_to(settings.MEDIA_ROOT)): path for path in batch}
        known = set(Attachment.objects.filter(file__in=names).values_list("file", flat=True))
        for name, path in names.items():
            if name not in known:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def _old_files(root: Path, cutoff: float) -> Iterator[Path]:
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            yield path


def _batches(paths: Iterator[Path], size: int) -> Iterator[list[Path]]:
    batch: list[Path] = []
    for path in paths:
        batch.append(path)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
