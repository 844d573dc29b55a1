from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from hatrack.core.models import AuditEntry
from hatrack.devices.models import DeviceModel, Kit
from hatrack.devices.services.catalog import (
    clean_accessories,
    create_device_model,
    create_kit,
    update_device_model,
    update_kit,
)
from hatrack.devices.tests.factories import make_device_model, make_kit

pytestmark = pytest.mark.django_db


def test_a_new_device_model_is_saved_and_audited(leader):
    device_model = create_device_model(
        by=leader,
        manufacturer=" Lenovo ",
        name="300e Chromebook Gen 3",
        category="chromebook",
        expected_life_years=5,
        replacement_cost=Decimal("289.00"),
    )
    assert device_model.manufacturer == "Lenovo"
    entry = AuditEntry.objects.get(action="create", object_id=str(device_model.pk))
    assert entry.actor == leader
    assert entry.changes["replacement_cost"] == "289.00"


def test_the_same_make_and_model_twice_is_refused_with_a_clear_message(leader):
    make_device_model(manufacturer="Lenovo", name="300e Chromebook Gen 3")
    with pytest.raises(ValidationError, match="already in the catalog"):
        create_device_model(
            by=leader, manufacturer="Lenovo", name="300e Chromebook Gen 3", category="chromebook"
        )
    assert DeviceModel.objects.count() == 1


def test_an_expected_life_past_twenty_years_is_refused(leader):
    with pytest.raises(ValidationError) as caught:
        create_device_model(
            by=leader, manufacturer="Dell", name="Latitude", category="windows",
            expected_life_years=25,
        )  # fmt: skip
    assert "between 1 and 20 years" in str(caught.value)
    assert not DeviceModel.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_auto_update_date_on_a_windows_laptop_is_refused(leader):
    import datetime

    with pytest.raises(ValidationError) as caught:
        create_device_model(
            by=leader, manufacturer="Dell", name="Latitude 3440", category="windows",
            auto_update_expiration=datetime.date(2030, 6, 1),
        )  # fmt: skip
    assert "auto_update_expiration" in caught.value.message_dict


def test_changing_a_model_records_only_what_changed(leader):
    device_model = make_device_model(expected_life_years=4)
    update_device_model(device_model=device_model, by=leader, expected_life_years=6)
    entry = AuditEntry.objects.get(action="update", object_id=str(device_model.pk))
    assert entry.changes == {"expected_life_years": [4, 6]}


def test_a_failed_model_change_leaves_the_row_as_it_was(leader):
    device_model = make_device_model(expected_life_years=4)
    with pytest.raises(ValidationError):
        update_device_model(device_model=device_model, by=leader, expected_life_years=0)
    device_model.refresh_from_db()
    assert device_model.expected_life_years == 4
    assert not AuditEntry.objects.exists()


def test_accessories_are_trimmed_lower_cased_and_listed_once():
    assert clean_accessories([" Charger", "charger ", "Case", "", "  "]) == ["charger", "case"]


def test_more_than_ten_accessories_are_refused():
    with pytest.raises(ValidationError, match="at most 10"):
        clean_accessories([f"item {n}" for n in range(11)])


def test_an_accessory_longer_than_forty_characters_is_refused():
    with pytest.raises(ValidationError, match="40 characters"):
        clean_accessories(["x" * 41])


def test_a_new_kit_keeps_its_cleaned_accessories_and_is_audited(leader):
    kit = create_kit(
        by=leader, name="Student Chromebook", category="chromebook",
        accessories=["Charger", "CASE", "charger"],
    )  # fmt: skip
    assert kit.accessories == ["charger", "case"]
    assert AuditEntry.objects.filter(action="create", object_id=str(kit.pk)).exists()


def test_a_kit_name_already_taken_is_refused(leader):
    make_kit(name="Student Chromebook")
    with pytest.raises(ValidationError, match="Another kit"):
        create_kit(by=leader, name="student chromebook")
    assert Kit.objects.count() == 1


def test_changing_a_kit_without_accessories_keeps_them(leader):
    kit = make_kit(accessories=["charger", "case"])
    update_kit(kit=kit, by=leader, active=False)
    kit.refresh_from_db()
    assert kit.accessories == ["charger", "case"]
    assert not kit.active
