"""Maintenance windows: scheduling in the district's time zone, editing, cancelling,
which systems a window covers, and who may do what."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hatrack.core.models import AuditEntry
from hatrack.directory.working_time import district_zone
from hatrack.systems.models import MaintenanceWindow, StatusNotice
from hatrack.systems.services.maintenance import (
    cancel_maintenance,
    in_maintenance,
    schedule_maintenance,
)
from hatrack.systems.tests.factories import make_maintenance, make_system

pytestmark = pytest.mark.django_db


def test_a_window_covers_its_systems_only_while_it_runs():
    sis, lms = make_system(), make_system()
    start = timezone.now() + timedelta(hours=1)
    make_maintenance(sis, starts_at=start, ends_at=start + timedelta(hours=2))

    assert in_maintenance([sis.pk, lms.pk], start - timedelta(minutes=1)) == set()
    assert in_maintenance([sis.pk, lms.pk], start) == {sis.pk}
    assert in_maintenance([sis.pk], start + timedelta(hours=2)) == set()


def test_scheduling_a_public_window_announces_it_once_and_is_audited(leader):
    sis = make_system()
    start = timezone.now() + timedelta(days=1)

    window = schedule_maintenance(
        title="SIS upgrade", description="The SIS is offline.", systems=[sis],
        starts_at=start, ends_at=start + timedelta(hours=3), public=True, by=leader,
    )  # fmt: skip

    assert list(window.systems.all()) == [sis]
    assert StatusNotice.objects.filter(maintenance=window).count() == 1
    assert AuditEntry.objects.filter(object_id=str(window.pk), action="create").exists()


def test_a_window_ending_before_it_starts_is_refused(leader):
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        schedule_maintenance(
            title="Backwards", description="", systems=[make_system()],
            starts_at=start, ends_at=start - timedelta(hours=1), public=False, by=leader,
        )  # fmt: skip
    assert "ends_at" in refused.value.message_dict
    assert not MaintenanceWindow.objects.exists()


def test_cancelling_a_window_stops_its_suppression(leader):
    sis = make_system()
    now = timezone.now()
    window = make_maintenance(
        sis, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
    )

    cancel_maintenance(window=window, by=leader)

    assert in_maintenance([sis.pk], now) == set()


def test_the_form_reads_times_in_the_district_time_zone(technician_client):
    sis = make_system()
    day = (timezone.now() + timedelta(days=10)).date()

    response = technician_client.post(
        reverse("systems:maintenance_create"),
        {"title": "Network cutover", "description": "", "systems": [sis.pk],
         "starts_at": f"{day.isoformat()}T22:00", "ends_at": f"{day.isoformat()}T23:30",
         "public": "on"},
    )  # fmt: skip

    assert response.status_code == 302
    window = MaintenanceWindow.objects.get()
    zone = district_zone()
    assert window.starts_at == datetime(day.year, day.month, day.day, 22, 0, tzinfo=zone)
    assert window.ends_at - window.starts_at == timedelta(minutes=90)


def test_the_edit_form_shows_and_saves_local_times(technician_client):
    sis, phones = make_system(), make_system()
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=3)
    window = make_maintenance(sis, starts_at=start, ends_at=start + timedelta(hours=1))
    url = reverse("systems:maintenance_edit", args=[window.pk])

    shown = technician_client.get(url).content.decode()
    assert start.astimezone(district_zone()).strftime("%Y-%m-%dT%H:%M") in shown

    local = start.astimezone(district_zone())
    response = technician_client.post(
        url,
        {"title": "Longer", "systems": [sis.pk, phones.pk],
         "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
         "ends_at": (local + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")},
    )  # fmt: skip

    assert response.status_code == 302
    window.refresh_from_db()
    assert window.title == "Longer"
    assert window.starts_at == start
    assert set(window.systems.all()) == {sis, phones}


def test_the_list_groups_windows_and_cancel_works_from_it(technician_client):
    sis = make_system(name="Student records")
    now = timezone.now()
    active = make_maintenance(
        sis, title="Now", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
    )
    make_maintenance(
        sis,
        title="Later",
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=1),
    )
    make_maintenance(
        sis, title="Before", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1)
    )

    context = technician_client.get(reverse("systems:maintenance_list")).context
    assert [w.title for w in context["active"]] == ["Now"]
    assert [w.title for w in context["upcoming"]] == ["Later"]
    assert [w.title for w in context["past"]] == ["Before"]

    technician_client.post(reverse("systems:maintenance_cancel", args=[active.pk]))
    active.refresh_from_db()
    assert active.cancelled


def test_staff_may_not_see_maintenance_and_viewers_may_not_change_it(staff_client, viewer_client):
    now = timezone.now()
    window = make_maintenance(
        make_system(), starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2)
    )

    assert staff_client.get(reverse("systems:maintenance_list")).status_code == 403
    assert viewer_client.get(reverse("systems:maintenance_list")).status_code == 200
    assert viewer_client.get(reverse("systems:maintenance_create")).status_code == 403
    assert (
        viewer_client.post(reverse("systems:maintenance_cancel", args=[window.pk])).status_code
        == 403
    )
    window.refresh_from_db()
    assert not window.cancelled
