"""Opening a OneRoster export (a folder, a zip or a single CSV file), decoding its files,
and reading its manifest."""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal

from hatrack.directory.importers.oneroster.reader import DAMAGED, CsvReader
from hatrack.directory.importers.oneroster.rows import OneRosterFileError
from hatrack.directory.importers.oneroster.zips import zip_members

Mode = Literal["bulk", "delta", "absent"]
ONEROSTER_FILES = (
    "manifest.csv",
    "orgs.csv",
    "users.csv",
    "academicSessions.csv",
    "classes.csv",
    "courses.csv",
    "enrollments.csv",
    "demographics.csv",
    "lineItems.csv",
    "results.csv",
    "categories.csv",
    "resources.csv",
    "classResources.csv",
    "courseResources.csv",
    "userResources.csv",
)
KNOWN_FILE_NAMES = frozenset(name.lower() for name in ONEROSTER_FILES)


class CountingReader(io.RawIOBase):
    """Counts the bytes read from a binary stream, for a progress bar in bytes."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size

    def close(self) -> None:
        self._stream.close()
        super().close()


def _sniff_encoding(head: bytes, name: str) -> str:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise OneRosterFileError(
            f"{name} is a spreadsheet or an archive, not a CSV file. "
            "Export it from the SIS (or save it from the spreadsheet) as CSV, UTF-8.",
            file=name,
        )
    return "utf-8-sig"  # also reads plain UTF-8: the BOM is optional


class OneRosterSet:
    """The CSV files of one OneRoster export, from a folder, a zip, or a single CSV file.

    Files are found by name, case-insensitively (`Users.csv` is `users.csv`); in a zip they
    may sit in one sub-folder. Use as a context manager so a zip is closed.
    """

    def __init__(
        self, label: str, members: dict[str, Path | zipfile.ZipInfo], archive: Any = None
    ) -> None:
        self.label = label
        self._members = members
        self._zip: zipfile.ZipFile | None = archive
        self._manifest: dict[str, str] | None = None

    @classmethod
    def open(cls, path: Path) -> OneRosterSet:
        """Open `path`; raises OneRosterFileError when it is not a usable OneRoster set."""
        path = Path(path)
        if path.is_dir():
            return cls._open_folder(path)
        if not path.is_file():
            raise OneRosterFileError(f"{path} does not exist.")
        if zipfile.is_zipfile(path):
            return cls._open_zip(path)
        if path.suffix.lower() == ".csv":
            return cls._open_csv(path)
        raise OneRosterFileError(
            f"{path.name} is neither a zip file nor a CSV file. "
            "Upload the OneRoster export as a .zip, or its CSV files."
        )

    @classmethod
    def _open_folder(cls, path: Path) -> OneRosterSet:
        members: dict[str, Path | zipfile.ZipInfo] = {
            child.name.lower(): child
            for child in sorted(path.iterdir())
            if child.is_file() and child.name.lower() in KNOWN_FILE_NAMES
        }
        return cls._checked(cls(path.name, members))

    @classmethod
    def _open_csv(cls, path: Path) -> OneRosterSet:
        if path.name.lower() not in KNOWN_FILE_NAMES:
            raise OneRosterFileError(
                f"{path.name} is not a OneRoster file name. Name it orgs.csv or users.csv, "
                "or import the whole export folder or zip."
            )
        return cls._checked(cls(path.name, {path.name.lower(): path}))

    @classmethod
    def _open_zip(cls, path: Path) -> OneRosterSet:
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise OneRosterFileError(f"{path.name} is not a readable zip file ({exc}).") from exc
        try:
            members = zip_members(archive, path.name, KNOWN_FILE_NAMES)
        except OneRosterFileError:
            archive.close()
            raise
        return cls._checked(cls(path.name, members, archive))

    @staticmethod
    def _checked(found: OneRosterSet) -> OneRosterSet:
        if not (found.has("orgs.csv") or found.has("users.csv")):
            found.close()
            raise OneRosterFileError(
                f"{found.label} has no orgs.csv or users.csv: "
                "it does not look like a OneRoster 1.1 CSV export."
            )
        return found

    def __enter__(self) -> OneRosterSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def has(self, name: str) -> bool:
        return name.lower() in self._members

    def size(self, name: str) -> int:
        member = self._members[name.lower()]
        if isinstance(member, zipfile.ZipInfo):
            return member.file_size
        return member.stat().st_size

    def _open_binary(self, name: str) -> IO[bytes]:
        member = self._members[name.lower()]
        if isinstance(member, zipfile.ZipInfo):
            if self._zip is None:
                raise OneRosterFileError(f"{self.label} is closed.", file=name)
            try:
                return self._zip.open(member)
            except (RuntimeError, NotImplementedError, zipfile.BadZipFile) as exc:
                raise OneRosterFileError(
                    f"{name} in {self.label} cannot be read ({exc}). "
                    "Create the zip again without a password.",
                    file=name,
                ) from exc
        return member.open("rb")

    @contextmanager
    def open_text(self, name: str) -> Iterator[tuple[IO[str], CountingReader]]:
        """The decoded text of a file, and the counter of bytes read so far."""
        counter = CountingReader(self._open_binary(name))
        buffered = io.BufferedReader(counter, buffer_size=1 << 16)
        try:
            try:
                head = buffered.peek(4)[:4]
            except DAMAGED as exc:
                # Damage in the first block shows while sniffing, before the CSV reader.
                message = f"{name} in {self.label} is damaged ({exc})."
                raise OneRosterFileError(message, file=name) from exc
            encoding = _sniff_encoding(head, name)
            text = io.TextIOWrapper(buffered, encoding=encoding, errors="strict", newline="")
            yield text, counter
        finally:
            buffered.close()

    def decode_error_line(self, name: str) -> int:
        """The line holding the first byte that does not decode (for the error message)."""
        line = 1
        with self._open_binary(name) as raw:
            head = raw.read(4)
            encoding = _sniff_encoding(head, name)
            decoder = codecs.getincrementaldecoder(encoding)()
            chunk = head
            while chunk:
                try:
                    line += decoder.decode(chunk).count("\n")
                except UnicodeDecodeError as exc:
                    good = exc.object[: exc.start]
                    return line + bytes(good).count(b"\n")
                chunk = raw.read(1 << 20)
        return line

    def manifest(self) -> dict[str, str]:
        """manifest.csv as propertyName -> value (empty when there is no manifest)."""
        if self._manifest is None:
            self._manifest = {}
            if self.has("manifest.csv"):
                reader = CsvReader(self, "manifest.csv", required=("propertyName", "value"))
                name_at, value_at = reader.columns_for("propertyName", "value")
                for _line, row in reader:
                    if len(row) > max(name_at, value_at):
                        self._manifest[row[name_at].strip().lower()] = row[value_at].strip()
        return self._manifest

    def mode(self, name: str) -> Mode:
        """bulk, delta or absent, from the manifest; a file without a manifest entry is bulk.

        OneRoster 1.1 makes the manifest mandatory; exports without one are full
        (bulk) exports in practice, so that is what a missing entry means here.
        """
        stem = name.lower().removesuffix(".csv")
        declared = self.manifest().get(f"file.{stem}", "").lower()
        if declared not in ("", "bulk", "delta", "absent"):
            raise OneRosterFileError(
                f"manifest.csv gives file.{stem} the value {declared!r}; "
                "it must be bulk, delta or absent.",
                file="manifest.csv",
            )
        if declared == "absent":
            return "absent"
        if not self.has(name):
            if declared in ("bulk", "delta"):
                raise OneRosterFileError(
                    f"manifest.csv lists {name} as {declared}, but {self.label} has no {name}.",
                    file="manifest.csv",
                )
            return "absent"
        return "delta" if declared == "delta" else "bulk"
