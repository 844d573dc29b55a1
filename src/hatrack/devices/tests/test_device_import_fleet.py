"""The fleet as the device import reads it: values in the form the parsers write."""

from __future__ import annotations

import datetime

import pytest

from hatrack.devices.importers import fields
from hatrack.devices.imports.fleet import FleetReader, asset_tag_owners
from hatrack.devices.tests.factories import make_device

pytestmark = pytest.mark.django_db

READ = ["os_version", "last_checkin_at", "auto_update_expiration", "wifi_mac"]


@pytest.mark.parametrize(
    "moment",
    ["2024-11-18T14:22:10.000Z", "2024-11-18T14:22:10.123Z", "2024-03-01 09:05:07.1234567"],
)
def test_a_devices_console_fields_read_back_as_the_parsers_write_them(moment):
    checkin = fields.date_time(moment)
    make_device(
        serial_number="5CD0001",
        os_version="130.0",
        last_checkin_at=datetime.datetime.fromisoformat(checkin),
        auto_update_expiration=datetime.date(2029, 6, 1),
        wifi_mac="a0:b1:c2:d3:e4:f5",
    )
    found = FleetReader(READ).by_serial(["5CD0001", "5CD0002"])
    assert found["5CD0001"].values == ("130.0", checkin, "2029-06-01", "a0:b1:c2:d3:e4:f5")
    assert list(found) == ["5CD0001"]


def test_a_device_without_console_fields_reads_back_empty():
    make_device(serial_number="5CD0001", asset_tag=None)
    device = FleetReader(READ).by_serial(["5CD0001"])["5CD0001"]
    assert (device.asset_tag, device.values) == ("", ("", "", "", ""))


def test_asset_tag_owners_name_the_devices_holding_the_tags():
    make_device(serial_number="5CD0001", asset_tag="A100")
    assert asset_tag_owners(["A100", "A200"]) == {"A100": "5CD0001"}
