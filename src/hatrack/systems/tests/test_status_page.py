"""The public status page: open to anyone, plain words, nothing internal, fixed queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hatrack.systems.models import (
    IncidentStatus,
    IncidentUpdate,
    Outage,
    State,
    System,
    SystemsSettings,
    UpdateKind,
)
from hatrack.systems.tests.factories import (
    make_check,
    make_incident,
    make_maintenance,
    make_system,
)

pytestmark = pytest.mark.django_db

URL = "/status/"


def published(public_name: str, **extra: object) -> System:
    system = make_system(public_name=public_name, published=True, **extra)
    System.objects.filter(pk=system.pk).update(name=f"internal-{public_name.lower()}-{system.pk}")
    system.refresh_from_db()
    return system


def test_anyone_can_open_the_status_page_and_it_has_no_staff_navigation() -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "All systems operational" in content
    assert 'id="main-nav"' not in content and "Sign out" not in content
    assert reverse("status:page") == URL


def test_it_shows_its_title_intro_and_contact_from_the_settings() -> None:
    SystemsSettings.load()
    SystemsSettings.objects.filter(pk=1).update(
        status_page_title="Lakeside status",
        status_page_intro="How our systems are doing.",
        status_page_contact="help@lakeside.example",
    )
    content = Client().get(URL).content.decode()
    assert "<h1>Lakeside status</h1>" in content
    assert "How our systems are doing." in content and "help@lakeside.example" in content


def test_published_systems_appear_by_public_name_in_plain_words() -> None:
    published("Email", state=State.DOWN, public_description="Staff and student mail")
    published("Library", state=State.DEGRADED)
    published("Wifi", state=State.MAINTENANCE)
    make_system(name="Secret backup box", state=State.DOWN)
    content = Client().get(URL).content.decode()
    assert "Some systems are having problems" in content
    for words in ("Email", "Staff and student mail", "Outage", "Degraded performance"):
        assert words in content
    assert "Under maintenance" in content
    assert "internal-email" not in content and "Secret backup box" not in content


def test_an_incident_shows_its_public_title_and_only_public_updates() -> None:
    email = published("Email")
    check = make_check(email, target="https://mx1.internal.lan/health")
    hidden = make_system(name="Core switch 7")
    incident = make_incident(
        email, hidden, title="mx1 disk full on vm-host-3", started_at=timezone.now()
    )
    for body, public, kind in (
        ("Mail is slow to arrive; we are on it.", True, UpdateKind.UPDATE),
        ("Paged the vendor, ticket 4411 with Contoso", False, UpdateKind.UPDATE),
        ("Check mx1 failed twice", True, UpdateKind.EVENT),
    ):
        IncidentUpdate.objects.create(
            incident=incident,
            status=IncidentStatus.INVESTIGATING,
            body=body,
            public=public,
            kind=kind,
            created_at=timezone.now(),
        )
    Outage.objects.create(
        check_ref=check, system=email, started_at=timezone.now(), detected_at=timezone.now()
    )
    content = Client().get(URL).content.decode()
    assert "Email disruption" in content
    assert "Mail is slow to arrive; we are on it." in content
    for secret in ("mx1", "vm-host-3", "Contoso", "4411", "Core switch 7", "internal.lan"):
        assert secret not in content, secret


def test_a_private_incident_stays_off_the_page() -> None:
    make_incident(
        published("Email"), title="Quiet one", public=False, public_title="Hidden trouble"
    )
    content = Client().get(URL).content.decode()
    assert "Hidden trouble" not in content and "All systems operational" in content


def test_public_maintenance_is_shown_and_private_or_cancelled_is_not() -> None:
    email = published("Email")
    start = timezone.now() + timedelta(days=1)
    end = start + timedelta(hours=2)
    make_maintenance(
        email, starts_at=start, ends_at=end, title="Mail upgrade", description="Short pause."
    )
    make_maintenance(email, starts_at=start, ends_at=end, title="Private work", public=False)
    make_maintenance(email, starts_at=start, ends_at=end, title="Called off", cancelled=True)
    content = Client().get(URL).content.decode()
    assert "Mail upgrade" in content and "Short pause." in content
    assert "Private work" not in content and "Called off" not in content


def test_each_day_of_the_uptime_bar_has_a_text_alternative() -> None:
    email = published("Email")
    make_check(email)
    content = Client().get(URL).content.decode()
    assert content.count('class="uptime-day') == 90
    assert content.count('<span class="visually-hidden">') >= 90
    assert "100 % uptime" in content


def test_a_system_without_checks_shows_no_uptime_figure() -> None:
    published("Email")
    assert "Not monitored" in Client().get(URL).content.decode()


def build(n: int) -> None:
    for i in range(n):
        system = published(f"Service {i}")
        make_check(system)
        incident = make_incident(system, started_at=timezone.now())
        IncidentUpdate.objects.create(
            incident=incident,
            status=IncidentStatus.INVESTIGATING,
            body=f"Update {i}",
            public=True,
            created_at=timezone.now(),
        )
        start = timezone.now() + timedelta(days=1)
        make_maintenance(system, starts_at=start, ends_at=start + timedelta(hours=1))


def test_the_page_costs_a_fixed_number_of_queries() -> None:
    client = Client()
    build(1)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    build(12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.status_code == 200
    assert len(one) == len(many) <= 12


def test_subscribing_needs_a_post() -> None:
    assert Client().get(reverse("status:subscribe")).status_code == 405
