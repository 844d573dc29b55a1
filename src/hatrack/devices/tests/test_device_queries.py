"""The device list query shared by the pages and the API: search, filters, one device."""

import datetime

import pytest
from django.http import Http404

from hatrack.conftest import make_user
from hatrack.core.lists import keyset_page
from hatrack.devices.models import Category, Status
from hatrack.devices.queries.devices import (
    device_list_rows,
    device_search,
    devices_matching,
    get_device_for,
    present_device_rows,
)
from hatrack.devices.tests.factories import (
    make_device,
    make_device_model,
    make_funding_source,
    make_room,
)
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.django_db


def serials(filters):
    selection = devices_matching(filters)
    return list(
        selection.devices.order_by(*selection.order).values_list("serial_number", flat=True)
    )


def test_a_serial_number_prefix_finds_devices_whatever_the_case_and_spaces():
    make_device(serial_number="5CD1234XYZ")
    make_device(serial_number="5CD1299ABC")
    make_device(serial_number="PF0001")
    assert serials({"q": "5cd12 "}) == ["5CD1234XYZ", "5CD1299ABC"]


def test_an_asset_tag_prefix_finds_devices_listed_by_asset_tag():
    make_device(serial_number="ZZZ1", asset_tag="MV1002")
    make_device(serial_number="AAA1", asset_tag="MV1003")
    make_device(serial_number="BBB1", asset_tag="HS1002")
    selection = devices_matching({"q": "mv100"})
    assert selection.search == "asset_tag" and selection.order == ("asset_tag",)
    assert serials({"q": "mv100"}) == ["ZZZ1", "AAA1"]


def test_a_serial_number_match_wins_over_an_asset_tag_match():
    make_device(serial_number="MV9", asset_tag="T1")
    make_device(serial_number="X1", asset_tag="MV8")
    assert serials({"q": "MV"}) == ["MV9"]


def test_a_holder_name_finds_the_devices_they_hold():
    ana = make_person(given_name="Ana", family_name="Smith")
    make_device(serial_number="SN1", holder=ana)
    make_device(serial_number="SN2", holder=make_person(given_name="Bo", family_name="Jones"))
    make_device(serial_number="SN0", holder=make_person(given_name="Zed", family_name="Smith"))
    assert serials({"q": "smi"}) == ["SN1", "SN0"]  # by holder name
    assert serials({"q": "ana smi"}) == ["SN1"]
    assert serials({"q": "smith, an"}) == ["SN1"]
    assert devices_matching({"q": "smi"}).search == "holder"


def test_a_holder_search_pages_by_holder_name():
    model = make_device_model()
    for n in range(5):
        person = make_person(given_name=f"G{n}", family_name="Smith")
        make_device(serial_number=f"SN{9 - n}", holder=person, model=model)
    selection = devices_matching({"q": "smith"})
    first = keyset_page(device_list_rows(selection), order=selection.order, size=2)
    second = keyset_page(
        device_list_rows(selection), order=selection.order, size=2, after=first.next_cursor
    )
    names = [r["holder__given_name"] for r in [*first.rows, *second.rows]]
    assert names == ["G0", "G1", "G2", "G3"]


def test_digits_that_name_no_device_find_nothing():
    make_device(serial_number="SN1")
    assert serials({"q": "4242"}) == []


def test_the_search_uses_ranges_not_like_so_indexes_serve_it():
    condition, _, kind = device_search("ABC")
    assert kind == "holder"  # no device: the text is read as a name
    make_device(serial_number="ABC123")
    condition, _, kind = device_search("ABC")
    assert kind == "serial"
    assert "serial_number__gte" in str(condition) and "serial_number__lt" in str(condition)


def test_filters_by_site_room_status_model_holder_and_funding_source():
    site, fund = make_site(), make_funding_source()
    room = make_room(site=site)
    model = make_device_model()
    holder = make_person()
    make_device(serial_number="A1", site=site, room=room, model=model, funding_source=fund)
    make_device(serial_number="A2", status=Status.LOST, holder=holder)
    make_device(serial_number="A3")
    assert serials({"site": site.pk}) == ["A1"]
    assert serials({"room": room.pk}) == ["A1"]
    assert serials({"model": model.pk}) == ["A1"]
    assert serials({"funding_source": fund.pk}) == ["A1"]
    assert serials({"status": Status.LOST}) == ["A2"]
    assert serials({"holder": holder.pk}) == ["A2"]


def test_the_fleet_status_filter_leaves_out_lost_retired_and_disposed_devices():
    make_device(serial_number="A1", status=Status.DEPLOYED)
    make_device(serial_number="A2", status=Status.RETIRED)
    make_device(serial_number="A3", status=Status.IN_REPAIR)
    assert serials({"status": "fleet"}) == ["A1", "A3"]


def test_the_category_filter_selects_the_models_of_that_category_model_by_model():
    ipad = make_device_model(manufacturer="Apple", name="iPad", category=Category.TABLET)
    galaxy = make_device_model(manufacturer="Samsung", name="Tab", category=Category.TABLET)
    make_device(serial_number="A9", model=ipad)
    make_device(serial_number="A1", model=galaxy)
    make_device(serial_number="A2")
    assert serials({"category": Category.TABLET}) == ["A9", "A1"]
    assert devices_matching({"category": Category.TABLET}).order == ("model_id", "serial_number")


def test_expired_warranty_filter():
    past = datetime.date(2020, 1, 1)
    make_device(serial_number="A1", warranty_ends_on=past)
    make_device(serial_number="A2", warranty_ends_on=datetime.date(2099, 1, 1))
    make_device(serial_number="A3")
    assert serials({"warranty_expired": True}) == ["A1"]


def test_expired_auto_update_reads_the_models_date_unless_the_console_says_later():
    old = make_device_model(auto_update_expiration=datetime.date(2021, 6, 1))
    new = make_device_model(auto_update_expiration=datetime.date(2099, 6, 1))
    undated = make_device_model()
    make_device(serial_number="A1", model=old)
    make_device(serial_number="A2", model=new)
    make_device(serial_number="A3", model=undated, auto_update_expiration=datetime.date(2022, 1, 1))
    make_device(serial_number="A4", model=old, auto_update_expiration=datetime.date(2099, 1, 1))
    make_device(serial_number="A5", model=undated)
    assert sorted(serials({"aue_expired": True})) == ["A1", "A3"]


def test_search_and_filters_combine():
    site = make_site()
    make_device(serial_number="5CD1", site=site)
    make_device(serial_number="5CD2")
    assert serials({"q": "5cd", "site": site.pk}) == ["5CD1"]


def test_list_rows_are_one_query_and_presented_as_strings(django_assert_num_queries):
    holder = make_person(given_name="Ana", family_name="Diaz")
    room = make_room(name="Room 204")
    device = make_device(serial_number="SN1", holder=holder, room=room, site=room.site)
    selection = devices_matching({})
    with django_assert_num_queries(1):
        page = keyset_page(device_list_rows(selection), order=selection.order)
    row = present_device_rows(page.rows, {room.site_id: "Lincoln"})[0]
    assert row["holder"] == "Ana Diaz" and row["room"] == "Room 204"
    assert row["site"] == "Lincoln" and row["url"].endswith(f"/{device.pk}/")


def test_a_viewer_may_read_a_device_and_staff_may_not():
    device = make_device()
    assert get_device_for(make_user("viewer"), device.pk) == device
    with pytest.raises(Http404):
        get_device_for(make_user("staff"), device.pk)


def test_a_missing_device_is_not_found():
    with pytest.raises(Http404):
        get_device_for(make_user("leader"), 424242)


def test_a_search_within_a_category_keeps_the_searchs_order():
    ipad = make_device_model(manufacturer="Apple", name="iPad", category=Category.TABLET)
    make_device(serial_number="5CD9", model=ipad)
    make_device(serial_number="5CD1", model=ipad)
    make_device(serial_number="5CD5")
    selection = devices_matching({"q": "5cd", "category": Category.TABLET})
    assert selection.order == ("serial_number",)
    assert serials({"q": "5cd", "category": Category.TABLET}) == ["5CD1", "5CD9"]
