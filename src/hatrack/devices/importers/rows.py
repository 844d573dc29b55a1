"""What the device importers produce: normalized rows, row errors and file errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple


class DeviceFileError(Exception):
    """A problem with the whole file (wrong format, unreadable, no header); the message is
    meant for the uploader and nothing is imported."""

    def __init__(self, message: str, *, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad row: its line in the file (1 is the header), the column and the reason."""

    line: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "reason": self.reason}


# The Hatrack fields an export can fill, in the order the mapping form shows them.
FIELDS: dict[str, str] = {
    "serial_number": "Serial number",
    "asset_tag": "Asset tag",
    "manufacturer": "Manufacturer",
    "model": "Model",
    "console_id": "Console device id",
    "os_version": "OS version",
    "last_checkin_at": "Last check-in",
    "console_user": "Recent user",
    "org_unit": "Organizational unit",
    "wifi_mac": "Wi-Fi MAC",
    "ethernet_mac": "Ethernet MAC",
    "auto_update_expiration": "Auto-update expiration",
}


class DeviceRow(NamedTuple):
    """A valid device row, normalized: serial numbers and asset tags upper case without
    spaces, MAC addresses as aa:bb:cc:dd:ee:ff, `last_checkin_at` an ISO datetime in UTC
    and `auto_update_expiration` an ISO date ("" when absent). `category` is the kind of
    device the export says it is ("" when it does not say). A plain tuple of built-in
    values, so batches of rows can be spooled to disk with `marshal`."""

    line: int
    serial_number: str
    asset_tag: str
    manufacturer: str
    model: str
    category: str
    console_id: str
    os_version: str
    last_checkin_at: str
    console_user: str
    org_unit: str
    wifi_mac: str
    ethernet_mac: str
    auto_update_expiration: str
