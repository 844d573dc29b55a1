"""The safety checks on a zip's members, before anything in it is read.

A roster export has a dozen files; a huge count, an unsafe path or an absurd
compression ratio is an attack or a mistake, and is rejected with one message.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from hatrack.directory.importers.oneroster.rows import OneRosterFileError

MAX_ZIP_MEMBERS = 500
MAX_MEMBER_BYTES = 8 * 1024**3
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM_BYTES = 20 * 1024 * 1024


def zip_members(
    archive: zipfile.ZipFile, label: str, known_names: frozenset[str]
) -> dict[str, Path | zipfile.ZipInfo]:
    """The members of `archive` named like a OneRoster file (`known_names`), by lower-case
    base name; raises OneRosterFileError when the archive is unsafe."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise OneRosterFileError(
            f"{label} holds {len(infos):,} files; a OneRoster export has a few dozen at most."
        )
    members: dict[str, Path | zipfile.ZipInfo] = {}
    for info in infos:
        if unsafe_member_name(info.filename):
            raise OneRosterFileError(
                f"{label} was rejected: it contains an unsafe file path "
                f"({info.filename!r}) that points outside the archive."
            )
        base = PurePosixPath(info.filename).name
        if info.is_dir() or info.filename.startswith("__MACOSX/") or base.startswith("."):
            continue
        if base.lower() not in known_names:
            continue
        check_zip_member(info, label)
        if base.lower() in members:
            raise OneRosterFileError(f"{label} contains {base} twice; keep only one.")
        members[base.lower()] = info
    return members


def unsafe_member_name(name: str) -> bool:
    """Absolute paths, drive letters, backslashes and `..` could escape an extraction folder."""
    if "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in PurePosixPath(name).parts


def check_zip_member(info: zipfile.ZipInfo, label: str) -> None:
    """Rejects a password-protected member and one that would unpack far too large."""
    if info.flag_bits & 0x1:
        raise OneRosterFileError(
            f"{info.filename} in {label} is password protected. "
            "Create the zip again without a password."
        )
    if info.file_size > MAX_MEMBER_BYTES:
        raise OneRosterFileError(
            f"{info.filename} in {label} would unpack to {info.file_size:,} bytes; "
            "that is far larger than any roster and was rejected."
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_CHECK_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
        raise OneRosterFileError(
            f"{info.filename} in {label} unpacks {ratio:,.0f} times larger than it is "
            "compressed (a zip bomb?) and was rejected."
        )
