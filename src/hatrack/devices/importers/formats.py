"""The formats the device import reads, and opening an export with its parser."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from hatrack.devices.importers.google_admin import GOOGLE_ADMIN
from hatrack.devices.importers.intune import INTUNE
from hatrack.devices.importers.layout import DeviceParser, Layout
from hatrack.devices.importers.spreadsheet import mapped_layout
from hatrack.devices.importers.tables import open_table
from hatrack.devices.models import Console

FORMATS: dict[str, str] = {
    "google": "Google Admin ChromeOS devices export",
    "intune": "Microsoft Intune devices export",
    "csv": "CSV or XLSX with column mapping",
}
# Which console a format's devices report to ("" for a plain spreadsheet).
CONSOLES: dict[str, str] = {
    "google": Console.GOOGLE.value,
    "intune": Console.INTUNE.value,
    "csv": "",
}
LAYOUTS = {"google": GOOGLE_ADMIN, "intune": INTUNE}


@contextmanager
def open_export(
    path: Path, *, format: str, mapping: Mapping[str, str] | None = None, name: str = ""
) -> Iterator[DeviceParser]:
    """The parser of the export at `path`. Raises DeviceFileError for a file that cannot
    be read or is not of `format`; closes the file on leaving."""
    if format not in FORMATS:
        raise ValueError(f"Unknown device export format {format!r}.")
    with open_table(path, name=name) as table:
        if format == "csv":
            layout = mapped_layout(mapping or {}, table.header, table.name)
            others: tuple[Layout, ...] = ()
        else:
            layout = LAYOUTS[format]
            others = tuple(v for k, v in LAYOUTS.items() if k != format)
        yield DeviceParser(table, layout, others)
