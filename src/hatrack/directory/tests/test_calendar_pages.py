"""The school calendar pages: reading it, the weekly hours grid, and closures."""

import datetime as dt

import pytest
from django.urls import reverse

from hatrack.conftest import PERSONAS
from hatrack.core.audit import history_of
from hatrack.core.models import AuditEntry
from hatrack.directory.models import Closure, WorkingHours
from hatrack.directory.tests.factories import make_district, make_site

pytestmark = pytest.mark.django_db
CALENDAR = reverse("directory:calendar")
HOURS = reverse("directory:working_hours_edit")
NEW_CLOSURE = reverse("directory:closure_create")


def week(days=range(5), opens="08:00", closes="16:00", **extra):
    data = {}
    for day in days:
        data.update({f"open_{day}": "on", f"opens_{day}": opens, f"closes_{day}": closes})
    return {**data, **extra}


def make_closure(**values) -> Closure:
    values = {
        "name": "Winter break", "kind": "break", "start_date": dt.date(2026, 12, 21),
        "end_date": dt.date(2027, 1, 1), **values,
    }  # fmt: skip
    return Closure.objects.create(**values)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_readers_see_the_calendar_and_others_are_refused(persona):
    name, client = persona
    response = client.get(CALENDAR)
    expected = {"leader": 200, "technician": 200, "viewer": 200, "staff": 403}
    assert response.status_code == expected.get(name, 302)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_only_leaders_edit_the_hours(persona):
    name, client = persona
    response = client.get(HOURS)
    assert response.status_code == {"leader": 200, "outsider": 302}.get(name, 403)


def test_an_empty_calendar_says_how_to_start(leader_client):
    body = leader_client.get(CALENDAR).content.decode()
    assert "No closures yet" in body
    assert "Closed" in body  # no district hours yet
    assert "Every site follows the district" in body


def test_the_calendar_shows_the_week_and_the_closures(viewer_client):
    WorkingHours.objects.create(weekday=0, opens=dt.time(7, 30), closes=dt.time(16, 30))
    make_closure(site=make_site(name="Lincoln High"), name="Boiler repair", kind="emergency")
    body = viewer_client.get(CALENDAR).content.decode()
    assert "07:30 to 16:30" in body
    assert "Boiler repair" in body
    assert "Lincoln High" in body
    assert "Add a closure" not in body  # viewers read, leaders change


def test_leaders_set_the_district_hours_with_the_weekly_grid(leader_client, leader):
    response = leader_client.post(HOURS, week())
    assert response.status_code == 302
    assert WorkingHours.objects.filter(site__isnull=True).count() == 5
    assert AuditEntry.objects.filter(action="create", actor=leader).count() == 5


def test_unchecking_a_day_closes_it_and_changing_hours_updates_the_row(leader_client):
    leader_client.post(HOURS, week())
    leader_client.post(HOURS, week(days=range(4), closes="15:00"))
    rows = WorkingHours.objects.filter(site__isnull=True).order_by("weekday")
    assert [(r.weekday, r.closes) for r in rows] == [(d, dt.time(15)) for d in range(4)]


def test_hours_that_end_before_they_start_are_refused_in_words(leader_client):
    response = leader_client.post(HOURS, week(days=[0], opens="16:00", closes="08:00"))
    assert response.status_code == 200
    assert "Closing time must be after opening time." in response.content.decode()
    assert not WorkingHours.objects.exists()


def test_an_open_day_without_times_is_refused_in_words(leader_client):
    response = leader_client.post(HOURS, {"open_2": "on"})
    body = response.content.decode()
    assert "Enter when the day starts on Wednesday." in body
    assert "Enter when the day ends on Wednesday." in body


def test_a_site_gets_its_own_hours_and_can_follow_the_district_again(leader_client):
    site = make_site()
    url = reverse("directory:site_hours_edit", args=[site.pk])
    assert leader_client.get(url).context["form"]["follow_district"].value() is True
    leader_client.post(url, week(days=range(4), opens="07:00", closes="15:00"))
    assert WorkingHours.objects.filter(site=site).count() == 4
    assert site.name in leader_client.get(CALENDAR).content.decode()
    leader_client.post(url, week(follow_district="on"))
    assert not WorkingHours.objects.filter(site=site).exists()


def test_choosing_a_site_leads_to_its_hours(leader_client):
    site = make_site()
    response = leader_client.get(reverse("directory:site_hours_choose"), {"site": site.pk})
    assert response["Location"] == reverse("directory:site_hours_edit", args=[site.pk])
    response = leader_client.get(reverse("directory:site_hours_choose"), {"site": "x"})
    assert response["Location"] == CALENDAR


def test_leaders_add_a_closure_for_the_district(leader_client, leader):
    response = leader_client.post(
        NEW_CLOSURE,
        {"name": "Thanksgiving break", "kind": "break", "start_date": "2026-11-25",
         "end_date": "2026-11-27", "site": ""},
    )  # fmt: skip
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert closure.site is None
    assert history_of(closure)[0].actor == leader


def test_a_closure_ending_before_it_starts_is_refused_in_words(leader_client):
    response = leader_client.post(
        NEW_CLOSURE,
        {"name": "Oops", "kind": "holiday", "start_date": "2026-11-27", "end_date": "2026-11-25"},
    )
    assert "The last day comes before the first; swap them." in response.content.decode()
    assert not Closure.objects.exists()


def test_a_closure_without_a_name_is_refused_in_words(leader_client):
    response = leader_client.post(
        NEW_CLOSURE, {"name": "", "kind": "holiday", "start_date": "2026-11-27",
                      "end_date": "2026-11-27"},
    )  # fmt: skip
    assert "This field is required." in response.content.decode()


def test_leaders_edit_a_closure_for_one_site(leader_client):
    make_district()
    closure, site = make_closure(), make_site(name="Oak Elementary")
    url = reverse("directory:closure_edit", args=[closure.pk])
    leader_client.post(
        url, {"name": "Snow day", "kind": "emergency", "start_date": "2027-01-12",
              "end_date": "2027-01-12", "site": site.pk},
    )  # fmt: skip
    closure.refresh_from_db()
    assert (closure.name, closure.site, closure.start_date) == (
        "Snow day", site, dt.date(2027, 1, 12),
    )  # fmt: skip
    assert "Snow day" in leader_client.get(url).content.decode()  # its history


def test_removing_a_closure_asks_first_then_removes_it_with_an_audit_entry(leader_client):
    closure = make_closure()
    url = reverse("directory:closure_delete", args=[closure.pk])
    assert "will be removed" in leader_client.get(url).content.decode()
    assert Closure.objects.exists()
    leader_client.post(url)
    assert not Closure.objects.exists()
    assert AuditEntry.objects.filter(action="delete", object_repr__startswith="Winter").exists()


def test_technicians_cannot_change_the_calendar(technician, client_for):
    closure = make_closure()
    client = client_for(technician)
    assert client.post(reverse("directory:closure_delete", args=[closure.pk])).status_code == 403
    assert client.post(HOURS, week()).status_code == 403
    assert Closure.objects.exists()


def _calendar_queries(client, django_assert_num_queries):
    client.get(CALENDAR)
    # session, user, district hours, sites' own hours, site choices, closures page
    with django_assert_num_queries(6):
        client.get(CALENDAR)


def test_the_calendar_costs_the_same_queries_for_one_closure_and_fifty(
    leader_client, django_assert_num_queries
):
    site = make_site()
    WorkingHours.objects.create(site=site, weekday=0, opens=dt.time(8), closes=dt.time(15))
    make_closure(site=site)
    _calendar_queries(leader_client, django_assert_num_queries)
    for n in range(49):
        make_closure(name=f"Day {n}", start_date=dt.date(2026, 1, 1) + dt.timedelta(days=n),
                     end_date=dt.date(2026, 1, 1) + dt.timedelta(days=n))  # fmt: skip
    assert len(leader_client.get(CALENDAR).context["rows"]) == 50
    _calendar_queries(leader_client, django_assert_num_queries)
