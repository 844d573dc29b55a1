"""The demo district's systems: ~40 systems on ~120 dependencies with single sign-on
under most of them, checks aimed at the loopback stand-in service, a year of incidents
with their outages, published systems for the status page; loaded in seconds."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.db.models import F
from django.utils import timezone

from hatrack.systems import standin
from hatrack.systems.models import (
    Check,
    CheckKind,
    CheckRollup,
    Dependency,
    Incident,
    IncidentRole,
    MaintenanceWindow,
    OnDuty,
    Outage,
    Privacy,
    StatusSubscriber,
    System,
)


@pytest.fixture
def demo(demo_district):
    """The demo district, loaded once for the whole run (see hatrack/conftest.py)."""
    return demo_district


def test_the_demo_has_about_forty_systems_with_owners_vendors_and_runbooks(demo, db):
    systems = System.objects.all()

    assert 38 <= systems.count() <= 45
    assert not systems.filter(owner__isnull=True).exists()
    assert systems.filter(vendor__isnull=False).count() >= 35
    assert not systems.filter(runbook_html="").exists()
    assert "<h2>" in systems.first().runbook_html
    assert demo.counts["systems"] == systems.count()


def test_systems_holding_health_records_are_restricted(demo, db):
    health = [s for s in System.objects.all() if "health" in s.data_held]

    assert health
    assert all(s.privacy == Privacy.RESTRICTED for s in health)


def test_single_sign_on_is_under_most_systems(demo, db):
    sso = System.objects.get(name="ClassLink LaunchPad")
    edges = Dependency.objects.all()

    assert 110 <= edges.count() <= 140
    assert sso.dependents.filter(kind="authenticates").count() >= 15
    assert Dependency.objects.filter(system=sso, depends_on__name="Active Directory").exists()


def test_the_sis_feeds_transportation_food_service_and_state_reporting(demo, db):
    fed = set(
        Dependency.objects.filter(
            depends_on__name="PowerSchool SIS", kind="receives_data"
        ).values_list("system__kind", flat=True)
    )

    assert {"transportation", "food_service", "state_reporting"} <= fed


def test_the_sis_and_the_learning_platform_form_a_cycle(demo, db):
    sis, roster = "PowerSchool SIS", "ClassLink Roster Server"
    assert Dependency.objects.filter(system__name=sis, depends_on__name="Canvas LMS").exists()
    assert Dependency.objects.filter(system__name="Canvas LMS", depends_on__name=roster).exists()
    assert Dependency.objects.filter(system__name=roster, depends_on__name=sis).exists()


def test_every_demo_check_targets_the_loopback_stand_in(demo, db):
    port = standin.configured_port()
    checks = Check.objects.all()

    assert checks.count() >= 40
    for check in checks:
        if check.kind == CheckKind.HTTP:
            url = urlsplit(check.target)
            assert (url.hostname, url.port) == ("127.0.0.1", port)
            assert url.path.strip("/").split("/")[0] in standin.SERVICES
        else:
            assert (check.kind, check.target, check.port) == (CheckKind.TCP, "127.0.0.1", port)
        assert check.interval_seconds == 60


def test_incidents_span_about_a_year_with_outages_on_their_checks(demo, db):
    incidents = Incident.objects.order_by("started_at")
    now = timezone.now()

    assert 30 <= incidents.count() <= 60
    assert now - incidents.first().started_at > dt.timedelta(days=300)
    assert now - incidents.last().started_at < dt.timedelta(days=60)
    assert not incidents.filter(resolved_at__isnull=True).exists()
    assert Outage.objects.count() >= 30
    assert not Outage.objects.exclude(system=F("check_ref__system")).exists()
    assert incidents.exclude(review="").exists()
    assert incidents.filter(system_roles__role=IncidentRole.JOINED).exists()


def test_published_systems_have_public_names(demo, db):
    published = System.objects.published()

    assert published.count() >= 10
    assert not published.filter(public_name="").exists()


def test_the_demo_has_response_times_maintenance_a_rota_and_subscribers(demo, db):
    now = timezone.now()

    assert CheckRollup.objects.count() > 20000
    assert MaintenanceWindow.objects.filter(public=True, starts_at__gt=now).exists()
    assert OnDuty.objects.filter(starts_at__lte=now, ends_at__gt=now).count() == 2
    assert StatusSubscriber.objects.filter(confirmed_at__isnull=False).count() >= 3


def test_the_systems_part_of_the_demo_loads_in_seconds(demo):
    assert demo.step_seconds["hatrack.systems.demo"] < 10


def test_the_status_page_has_ninety_days_of_uptime_for_each_published_system(demo, db):
    from hatrack.systems.uptime import daily_uptime

    published = list(System.objects.published().values_list("pk", flat=True))
    days = daily_uptime(published, days=90)

    assert all(day.percent is not None for pk in published for day in days[pk])
    assert any(day.percent < 100 for pk in published for day in days[pk])
