"""Google Admin's ChromeOS devices export (Devices › Chrome › Devices › Download, CSV).

The console names its columns "Serial Number", "Asset ID" (older files and GAM say
"Annotated Asset ID"), "Org Unit Path", "Model", "OS Version", "Last Sync",
"Recent User" (or "Annotated User"), "MAC Address", "Ethernet MAC Address",
"Auto Update Expiration" (a month such as "Jun 2027"), "Status", "Device Id", "Notes"
and "Annotated Location"; the Directory API's camelCase names are accepted too. Every
device is a Chromebook; its manufacturer is the first word of the model ("HP
Chromebook 11 G9 EE" → HP). Identified by "Serial Number" with "Org Unit Path".
"""

from __future__ import annotations

from hatrack.devices.importers.layout import Layout
from hatrack.devices.models import Category


def _manufacturer(values: dict[str, str]) -> str:
    if values.get("manufacturer"):
        return values["manufacturer"]
    words = values.get("model", "").split()
    return words[0] if words else ""


GOOGLE_ADMIN = Layout(
    key="google",
    label="a Google Admin ChromeOS devices export",
    columns={
        "serial_number": ("Serial Number", "serialNumber"),
        "asset_tag": ("Asset ID", "Annotated Asset ID", "annotatedAssetId"),
        "model": ("Model", "model"),
        "console_id": ("Device Id", "deviceId"),
        "os_version": ("OS Version", "osVersion", "Platform Version"),
        "last_checkin_at": ("Last Sync", "lastSync", "Last Policy Sync"),
        "console_user": (
            "Recent User",
            "Recent Users",
            "Most Recent User",
            "recentUsers.email",
            "Annotated User",
            "annotatedUser",
            "User",
        ),
        "org_unit": ("Org Unit Path", "orgUnitPath", "Org Unit"),
        "wifi_mac": ("MAC Address", "macAddress"),
        "ethernet_mac": ("Ethernet MAC Address", "ethernetMacAddress"),
        "auto_update_expiration": ("Auto Update Expiration", "autoUpdateExpiration", "AUE"),
    },
    signature=(("Serial Number", "serialNumber"), ("Org Unit Path", "orgUnitPath")),
    category=lambda values: Category.CHROMEBOOK.value,
    manufacturer=_manufacturer,
)
