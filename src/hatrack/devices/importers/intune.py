"""Microsoft Intune's devices export (Intune admin center › Devices › All devices ›
Export: a .zip holding one CSV, or the CSV itself).

Columns used: "Device ID", "Device name", "Serial number", "Manufacturer", "Model",
"OS", "OS version", "Last check-in" (written as 2024-03-15 14:22:10.0000000, UTC),
"Primary user UPN" (else "Primary user email address"), "Wi-Fi MAC" and "EthernetMAC"
(twelve hex digits); the export's other columns ("Compliance", "Ownership", "Managed
by", …) are ignored. The kind of device follows from "OS" (Windows, macOS, iOS/iPadOS,
Android, ChromeOS). Identified by "Device name" with "Serial number" and a primary-user
or "Managed by" column.
"""

from __future__ import annotations

from hatrack.devices.importers.layout import Layout
from hatrack.devices.models import Category

# How Intune (the hardware's firmware, really) spells makers, and how people do.
_MAKERS = {
    "dell inc.": "Dell",
    "lenovo": "Lenovo",
    "microsoft corporation": "Microsoft",
    "hewlett-packard": "HP",
    "hp inc.": "HP",
    "samsung": "Samsung",
    "apple inc.": "Apple",
    "acer": "Acer",
    "asustek computer inc.": "ASUS",
}


def tidy_manufacturer(name: str) -> str:
    return _MAKERS.get(name.strip().lower(), name.strip())


def _category(values: dict[str, str]) -> str:
    system = values.get("os", "").strip().lower()
    model = values.get("model", "").lower()
    if system.startswith("windows"):
        return Category.WINDOWS.value
    if system.startswith(("macos", "mac os", "osx")):
        return Category.MAC.value
    if system.startswith(("ios", "ipados")):
        return Category.PHONE.value if "iphone" in model else Category.TABLET.value
    if system.startswith("android"):
        return Category.TABLET.value if "tab" in model else Category.PHONE.value
    if system.startswith("chrome"):
        return Category.CHROMEBOOK.value
    return Category.OTHER.value


INTUNE = Layout(
    key="intune",
    label="a Microsoft Intune devices export",
    columns={
        "serial_number": ("Serial number", "serialNumber"),
        "manufacturer": ("Manufacturer", "manufacturer"),
        "model": ("Model", "model"),
        "console_id": ("Device ID", "id"),
        "os_version": ("OS version", "osVersion"),
        "last_checkin_at": ("Last check-in", "lastSyncDateTime"),
        "console_user": (
            "Primary user UPN",
            "Primary user email address",
            "userPrincipalName",
            "emailAddress",
        ),
        "wifi_mac": ("Wi-Fi MAC", "wiFiMacAddress"),
        "ethernet_mac": ("EthernetMAC", "Ethernet MAC", "ethernetMacAddress"),
    },
    signature=(
        ("Device name", "deviceName"),
        ("Serial number", "serialNumber"),
        ("Primary user UPN", "Primary user email address", "Managed by", "managementAgent"),
    ),
    category=_category,
    manufacturer=lambda values: tidy_manufacturer(values.get("manufacturer", "")),
    extra={"os": ("OS", "operatingSystem")},
)
