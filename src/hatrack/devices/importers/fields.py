"""Turning one cell of an export into a Hatrack value, or a reason it cannot be one.

Every parser takes the cell's text and returns the normalized value ("" for an empty
cell), or raises `ValueError` with the reason in words for the uploader.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable

from hatrack.devices.models import normalize_code, normalize_mac

Parse = Callable[[str], str]

_SERIAL = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{2,63}$")
_HEX_DIGITS = "0123456789abcdef"
_USER_SPLIT = re.compile(r"[,;\s]+")
_MONTH_NAME = re.compile(r"([A-Za-z]+)\.? (\d{4})")
_MONTH_NUMBER = re.compile(r"(\d{4})-(\d{1,2})")
_ASSET_TAG = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,49}$")
_MAC = re.compile(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$")
# Fractions of a second beyond microseconds (Intune writes 7 digits) and a trailing zone.
_FRACTION = re.compile(r"(\.\d{1,6})\d*")
_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        datetime.date(2000, number, 1).strftime("%b").lower(),
        datetime.date(2000, number, 1).strftime("%B").lower(),
    )
}
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%b %d, %Y, %I:%M:%S %p",
    "%b %d, %Y, %I:%M %p",
    "%b %d, %Y %I:%M:%S %p",
    "%b %d, %Y",
    "%Y-%m-%d",
    "%m/%d/%Y",
)
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%b %d, %Y", "%B %d, %Y", "%d %b %Y")
# Consoles write these for "never" or "unknown".
_NO_DATE = {"", "-", "never", "n/a", "unknown", "none", "0001-01-01 00:00:00"}
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
DATETIME_HELP = "a date and time such as 2024-03-15 14:22:10 or 3/15/2024 2:22 PM"


def serial_number(value: str) -> str:
    # Most cells need no cleaning; the regex-based normalization is for the others.
    if value.isalnum() and value.isascii() and 3 <= len(value) <= 64:
        return value.upper()
    code = value.upper() if value.isalnum() else normalize_code(value)
    if not code:
        raise ValueError("The serial number is empty.")
    if not _SERIAL.match(code):
        raise ValueError(
            f"“{value.strip()[:70]}” is not a serial number: 3 to 64 letters, digits, "
            "dots, dashes or slashes."
        )
    return code


def asset_tag(value: str) -> str:
    if value.isalnum() and value.isascii() and len(value) <= 50:  # the usual tag: A0012345
        return value.upper()
    code = normalize_code(value)
    if code and not _ASSET_TAG.match(code):
        raise ValueError(
            f"“{value.strip()[:60]}” is not an asset tag: up to 50 letters, digits, dots or dashes."
        )
    return code


def mac_address(value: str) -> str:
    text = value.strip()
    if not text:
        return ""
    if len(text) == 12 and not text.lower().strip(_HEX_DIGITS):  # usual form: a0b1c2d3e4f5
        text = text.lower()
        return f"{text[0:2]}:{text[2:4]}:{text[4:6]}:{text[6:8]}:{text[8:10]}:{text[10:12]}"
    mac = normalize_mac(text)
    if not _MAC.match(mac):
        raise ValueError(f"“{text[:40]}” is not a MAC address (six pairs of hex digits).")
    return mac


def text(limit: int) -> Parse:
    """Plain text of at most `limit` characters, spaces trimmed."""

    def parse(value: str) -> str:
        cleaned = value.strip()
        if "  " in cleaned or "\n" in cleaned or "\t" in cleaned or "\r" in cleaned:
            cleaned = " ".join(cleaned.split())
        if len(cleaned) > limit:
            raise ValueError(f"This value is longer than {limit} characters.")
        return cleaned

    return parse


def first_user(value: str) -> str:
    """The most recent user: consoles list several, most recent first."""
    text = value.strip()
    if len(text) <= 254 and not _USER_SPLIT.search(text):
        return text
    for token in _USER_SPLIT.split(text):
        if token:
            if len(token) > 254:
                raise ValueError("The user is longer than 254 characters.")
            return token
    return ""


def date_time(value: str) -> str:
    """A moment as an ISO datetime in UTC. Times without a zone are read as UTC, as both
    consoles export them."""
    raw = value.strip()
    if len(raw) == 24 and raw.endswith(".000Z") and _google_whole_second(raw):
        # Google's usual form, 2024-11-18T14:22:10.000Z, once validated as a moment is
        # already its ISO text in UTC but for the zone's spelling.
        try:
            datetime.datetime.fromisoformat(raw[:19])
            return raw[:19] + "+00:00"
        except ValueError:
            pass  # the general path below explains what is wrong
    if raw.lower() in _NO_DATE or raw.startswith("0001-01-01"):
        return ""
    try:  # the fast path: ISO 8601 as Google writes it (2024-11-18T14:22:10.123Z)
        moment: datetime.datetime | None = datetime.datetime.fromisoformat(raw)
    except ValueError:
        moment = _parse_moment(raw)
    if moment is None:
        raise ValueError(f"“{raw[:40]}” is not {DATETIME_HELP}.")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC).isoformat()


def _google_whole_second(raw: str) -> bool:
    return raw[4] == raw[7] == "-" and raw[10] == "T" and raw[13] == raw[16] == ":"


def _parse_moment(raw: str) -> datetime.datetime | None:
    if raw.isdigit() and len(raw) >= 12:  # milliseconds since 1970 (the Directory API's)
        return _EPOCH + datetime.timedelta(milliseconds=int(raw))
    cleaned = _FRACTION.sub(r"\1", raw.replace("T", " ", 1))
    cleaned = cleaned.removesuffix(" UTC").removesuffix(" GMT")
    if cleaned.endswith("Z"):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        return datetime.datetime.fromisoformat(cleaned)
    except ValueError:
        pass
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, fmt)  # noqa: DTZ007 (UTC, see above)
        except ValueError:
            continue
    return None


@functools.lru_cache(maxsize=4096)
def date(value: str) -> str:
    """A day as an ISO date; a month alone ("Jun 2027", "2027-06") is its first day, as
    Google gives auto-update expiration as a month."""
    raw = value.strip()
    if raw.lower() in _NO_DATE:
        return ""
    day = _parse_day(raw)
    if day is None:
        raise ValueError(f"“{raw[:40]}” is not a date such as 2027-06-30, 6/30/2027 or Jun 2027.")
    return day.isoformat()


def _parse_day(raw: str) -> datetime.date | None:
    month = _MONTH_NAME.fullmatch(raw) or _MONTH_NUMBER.fullmatch(raw)
    if month:
        first, second = month.groups()
        number = _MONTHS.get(first.lower()) if not first.isdigit() else int(second)
        year = int(second) if not first.isdigit() else int(first)
        if number and 1 <= number <= 12:
            return datetime.date(year, number, 1)
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 (a day, no time)
        except ValueError:
            continue
    moment = _parse_moment(raw)
    return moment.date() if moment else None
