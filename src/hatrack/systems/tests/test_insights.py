"""The leader view of the systems hat: uptime and incidents by system and month, time to
detect and resolve, blast radius, single points of failure, renewals, its cache, CSV and
who may see it."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from hatrack.conftest import make_user
from hatrack.directory.models import Vendor
from hatrack.systems.insights import compute, months_until
from hatrack.systems.models import Outage
from hatrack.systems.tests.factories import (
    make_check,
    make_dependency,
    make_incident,
    make_system,
)

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=CHICAGO)
INSIGHTS = reverse("systems:insights")


@pytest.fixture(autouse=True)
def no_cached_figures():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def at(month, day, hour=10, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=CHICAGO)


def incident(system, started, detect_minutes, resolve_minutes=None):
    resolved = started + dt.timedelta(minutes=resolve_minutes) if resolve_minutes else None
    return make_incident(
        system,
        started_at=started,
        detected_at=started + dt.timedelta(minutes=detect_minutes),
        resolved_at=resolved,
        status="resolved" if resolved else "investigating",
    )


# --- Who may see it -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("leader", 200), ("viewer", 200), ("technician", 403), ("staff", 403)],
)
def test_leaders_and_viewers_see_the_leader_view_and_others_are_refused(client_for, role, status):
    response = client_for(make_user(role)).get(INSIGHTS)
    assert response.status_code == status


def test_strangers_are_sent_to_sign_in(client):
    response = client.get(INSIGHTS)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_with_no_systems_the_page_says_so(leader_client):
    html = leader_client.get(INSIGHTS).content.decode()
    assert "No systems yet" in html


# --- The figures ---------------------------------------------------------------------------


def test_the_window_is_the_twelve_months_to_now_in_the_districts_time_zone():
    months = months_until(NOW)
    assert [m.key for m in (months[0], months[-1])] == ["2025-07", "2026-06"]
    assert months[0].start == dt.datetime(2025, 7, 1, tzinfo=CHICAGO)
    assert months[-2].end == months[-1].start and months[-1].end == NOW


def test_time_to_detect_and_resolve_are_mean_and_median_per_month_and_overall(frozen):
    sso = make_system(name="SSO")
    incident(sso, at(5, 3), detect_minutes=5, resolve_minutes=60)
    incident(sso, at(5, 10), detect_minutes=15, resolve_minutes=180)
    incident(sso, at(5, 20), detect_minutes=40)  # still open: not in time to resolve
    incident(sso, at(4, 2), detect_minutes=2, resolve_minutes=30)
    figures = compute(NOW)
    may = next(m for m in figures["per_month"] if m["key"] == "2026-05")
    assert may["incidents"] == 3
    assert may["detect"]["mean"] == dt.timedelta(minutes=20)
    assert may["detect"]["median"] == dt.timedelta(minutes=15)
    assert may["resolve"] == {
        "count": 2, "mean": dt.timedelta(minutes=120), "median": dt.timedelta(minutes=120)
    }  # fmt: skip
    overall = figures["overall"]
    assert overall["incidents"] == 4
    assert overall["detect"]["mean"] == dt.timedelta(minutes=15.5)
    assert overall["detect"]["median"] == dt.timedelta(minutes=10)
    assert overall["resolve"]["mean"] == dt.timedelta(minutes=90)


def test_incidents_count_per_system_in_the_month_they_started(frozen):
    sso, lms = make_system(name="SSO"), make_system(name="Canvas")
    incident(sso, at(5, 3), detect_minutes=1)
    incident(sso, at(5, 31, 23, 30), detect_minutes=1)  # late May in Chicago (June in UTC)
    incident(lms, at(6, 1), detect_minutes=1)
    make_incident(sso, started_at=dt.datetime(2025, 6, 1, tzinfo=CHICAGO))  # before the window
    rows = {s["name"]: s["incidents"] for s in compute(NOW)["systems"]}
    assert rows["SSO"][-2:] == [2, 0] and sum(rows["SSO"]) == 2
    assert rows["Canvas"][-1] == 1


def test_uptime_by_month_comes_from_the_checks_outages(frozen):
    sso = make_system(name="SSO", tier=1)
    make_system(name="Unwatched", tier=1)
    check = make_check(sso)
    start = at(4, 10)
    Outage.objects.create(  # 7.2 hours of April's 720: 1 %
        check_ref=check, system=sso, started_at=start, detected_at=start,
        ended_at=start + dt.timedelta(hours=7, minutes=12),
    )  # fmt: skip
    figures = compute(NOW)
    rows = {s["name"]: s["uptime"] for s in figures["systems"]}
    april = [m["key"] for m in figures["months"]].index("2026-04")
    assert rows["SSO"][april] == pytest.approx(99.0)
    assert rows["SSO"][april + 1] == pytest.approx(100.0)
    assert rows["Unwatched"][april] is None
    assert figures["tier_one_uptime"][april] == pytest.approx(99.0)


def test_the_uptime_table_downloads_as_csv(client_for, frozen):
    sso = make_system(name="SSO", tier=1)
    check = make_check(sso)
    start = at(4, 10)
    Outage.objects.create(
        check_ref=check, system=sso, started_at=start, detected_at=start,
        ended_at=start + dt.timedelta(hours=7, minutes=12),
    )  # fmt: skip
    response = client_for(make_user("viewer")).get(f"{INSIGHTS}?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("System,Tier,Jul 2025,")
    assert lines[1].split(",")[:2] == ["SSO", "1"]
    assert lines[1].split(",")[11] == "99.000"  # April is the tenth month


def test_blast_radius_and_single_points_of_failure_name_the_shared_systems(frozen):
    sso = make_system(name="SSO", tier=1)
    backed = make_system(name="Core switch", tier=1, has_failover=True)
    for n in range(3):
        dependent = make_system(name=f"App {n}", tier=2)
        make_dependency(dependent, sso)
        make_dependency(dependent, backed, kind="network_path")
    figures = compute(NOW)
    assert {b["name"] for b in figures["blast"][:2]} == {"Core switch", "SSO"}
    assert figures["blast"][0]["affected"] == 3
    assert [(p["name"], p["critical"]) for p in figures["single_points"]] == [("SSO", 3)]


def test_renewals_in_the_next_ninety_days_with_their_sum(frozen):
    vendor = Vendor.objects.create(name="Instructure")
    make_system(name="Canvas", renewal_date=dt.date(2026, 7, 1), annual_cost=Decimal("48000"),
                vendor=vendor)  # fmt: skip
    make_system(name="Clever", renewal_date=dt.date(2026, 9, 12), annual_cost=Decimal("1200.50"))
    make_system(name="Later", renewal_date=dt.date(2026, 12, 1), annual_cost=Decimal("9"))
    make_system(name="Lapsed", renewal_date=dt.date(2026, 6, 1), annual_cost=Decimal("9"))
    renewals = compute(NOW)["renewals"]
    assert [(r["name"], r["vendor__name"]) for r in renewals["rows"]] == [
        ("Canvas", "Instructure"), ("Clever", None)
    ]  # fmt: skip
    assert renewals["total"] == Decimal("49200.50")


# --- The page ----------------------------------------------------------------------------


def test_the_page_shows_the_figures_a_chart_and_a_print_layout(leader_client, frozen):
    sso = make_system(name="SSO", tier=1)
    make_check(sso)
    incident(sso, at(5, 3), detect_minutes=5, resolve_minutes=65)
    make_system(name="Canvas", renewal_date=dt.date(2026, 7, 1), annual_cost=Decimal("48000"))
    html = leader_client.get(INSIGHTS).content.decode()
    assert "<title>Resilience report" in html
    assert "1 h 05 min" in html and "5 min" in html
    assert "$48,000" in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert "systems/insights.css" in html


def test_the_figures_are_kept_until_refreshed(leader_client, frozen):
    sso = make_system(name="SSO")
    incident(sso, at(5, 3), detect_minutes=5)
    first = leader_client.get(INSIGHTS).context["shown"]["overall"]["incidents"]
    incident(sso, at(5, 4), detect_minutes=5)
    assert leader_client.get(INSIGHTS).context["shown"]["overall"]["incidents"] == first == 1
    refreshed = leader_client.get(f"{INSIGHTS}?refresh=1").context["shown"]["overall"]
    assert refreshed["incidents"] == 2
