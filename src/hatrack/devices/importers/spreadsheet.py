"""Any CSV or XLSX list of devices, with a column mapping chosen by the uploader.

The mapping names, for each Hatrack field, the file's column that holds it
(`{"serial_number": "Serial", "asset_tag": "Tag #"}`); the serial number is required,
every other field is optional and an unmapped field is left alone by the import. The
file's own headers are offered by `headers_of` for the mapping form.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hatrack.devices.importers.layout import Layout
from hatrack.devices.importers.rows import FIELDS, DeviceFileError
from hatrack.devices.importers.tables import open_table


def mapped_layout(mapping: Mapping[str, str], header: list[str], name: str) -> Layout:
    """The layout of one file read with `mapping`; refuses unknown fields, columns the file
    lacks, and a mapping without the serial number."""
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise DeviceFileError(f"The mapping names unknown fields: {', '.join(unknown)}.")
    if not mapping.get("serial_number"):
        raise DeviceFileError("Choose the column that holds the serial number.")
    present = {h.strip().lower() for h in header}
    for field, column in mapping.items():
        if column and column.strip().lower() not in present:
            raise DeviceFileError(
                f"{name} has no column “{column}” (mapped to {FIELDS[field].lower()}).", line=1
            )
    return Layout(
        key="csv",
        label="a device list",
        columns={field: (column.strip(),) for field, column in mapping.items() if column},
    )


def headers_of(path: Path, *, name: str = "") -> list[str]:
    """The header row of a CSV or XLSX file, for the mapping form (non-empty names)."""
    with open_table(path, name=name) as table:
        return [h for h in table.header if h]


def guess_mapping(header: list[str]) -> dict[str, str]:
    """A first mapping for the form: columns named as a field, or as Google Admin or
    Intune name it."""
    from hatrack.devices.importers.google_admin import GOOGLE_ADMIN
    from hatrack.devices.importers.intune import INTUNE

    by_name = {h.strip().lower().replace("_", " "): h for h in header if h}
    guesses: dict[str, str] = {}
    for field, label in FIELDS.items():
        aliases = (*GOOGLE_ADMIN.columns.get(field, ()), *INTUNE.columns.get(field, ()))
        for candidate in (label.lower(), field.replace("_", " "), *(a.lower() for a in aliases)):
            if candidate in by_name and by_name[candidate] not in guesses.values():
                guesses[field] = by_name[candidate]
                break
    if "serial_number" not in guesses:
        for key, original in by_name.items():
            if key in {"serial", "serial no", "serial #", "sn"}:
                guesses["serial_number"] = original
    return guesses
