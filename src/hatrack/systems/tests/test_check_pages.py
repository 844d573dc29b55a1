"""The health check pages: who may see and change checks, the list's queries, the detail
page, the form's refusal of internal addresses, and "Run now"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hatrack.systems.models import Check, CheckResult, CheckRollup, Outage
from hatrack.systems.tests.factories import make_check, make_system

pytestmark = pytest.mark.django_db

PUBLIC_TARGET = "https://93.184.215.14/health"


def list_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("systems:check_list"))
    assert response.status_code == 200
    return len(captured)


def test_the_check_list_costs_the_same_queries_at_one_and_at_many_checks(
    viewer_client: Any,
) -> None:
    make_check(target=PUBLIC_TARGET)
    viewer_client.get(reverse("systems:check_list"))  # warm the session and caches
    at_one = list_queries(viewer_client)
    system = make_system()
    for _ in range(49):
        make_check(system=system, target=PUBLIC_TARGET)

    assert list_queries(viewer_client) == at_one


def test_the_check_list_filters_by_state_and_system(viewer_client: Any) -> None:
    down = make_check(name="Payroll portal", target=PUBLIC_TARGET, state="down")
    make_check(name="Library catalogue", target=PUBLIC_TARGET, state="up")

    page = viewer_client.get(reverse("systems:check_list"), {"state": "down"}).content.decode()
    assert "Payroll portal" in page
    assert "Library catalogue" not in page
    page = viewer_client.get(
        reverse("systems:check_list"), {"system": down.system_id}
    ).content.decode()
    assert "Library catalogue" not in page


def test_the_empty_check_list_says_so(technician_client: Any) -> None:
    page = technician_client.get(reverse("systems:check_list")).content.decode()

    assert "No health checks yet" in page
    assert reverse("systems:check_create") in page


@pytest.mark.parametrize("name", ["check_list", "check_create"])
def test_staff_cannot_open_the_check_pages(staff_client: Any, name: str) -> None:
    assert staff_client.get(reverse(f"systems:{name}")).status_code == 403


def test_viewers_read_checks_but_cannot_change_or_run_them(viewer_client: Any) -> None:
    check = make_check(target=PUBLIC_TARGET)

    page = viewer_client.get(reverse("systems:check_detail", args=[check.pk]))
    assert page.status_code == 200
    assert "Run now" not in page.content.decode()
    assert viewer_client.get(reverse("systems:check_edit", args=[check.pk])).status_code == 403
    assert viewer_client.post(reverse("systems:check_run", args=[check.pk])).status_code == 403


def test_the_detail_page_shows_results_uptime_outages_and_response_charts(
    viewer_client: Any,
) -> None:
    check = make_check(target=PUBLIC_TARGET)
    Check.objects.filter(pk=check.pk).update(created_at=timezone.now() - timedelta(days=100))
    now = timezone.now()
    CheckResult.objects.bulk_create(
        CheckResult(
            check_ref=check, checked_at=now - timedelta(minutes=m), ok=m != 5, response_ms=80 + m
        )
        for m in range(10)
    )
    CheckRollup.objects.create(
        check_ref=check, hour=now.replace(minute=0, second=0, microsecond=0) - timedelta(days=9),
        runs=60, failures=0, timed_runs=60, total_ms=6000,
    )  # fmt: skip
    Outage.objects.create(
        check_ref=check, system=check.system, started_at=now - timedelta(days=2, hours=7),
        detected_at=now - timedelta(days=2, hours=7), ended_at=now - timedelta(days=2),
    )  # fmt: skip

    page = viewer_client.get(reverse("systems:check_detail", args=[check.pk])).content.decode()

    assert "Failed" in page
    assert page.count('src="data:image/svg+xml;base64,') == 2
    assert "95.833%" in page  # 7 hours of 7 days
    assert "No outages recorded" not in page


def test_a_technician_adds_a_check_and_is_taken_to_it(technician_client: Any) -> None:
    system = make_system()

    response = technician_client.post(
        reverse("systems:check_create"),
        {
            "system": system.pk, "name": "SIS home", "kind": "http", "target": PUBLIC_TARGET,
            "dns_record_type": "A", "tls_warn_days": 14, "interval_seconds": 60,
            "timeout_seconds": 10, "retries": 1, "failures_to_confirm": 2, "enabled": "on",
        },
    )  # fmt: skip

    check = Check.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("systems:check_detail", args=[check.pk])


def test_the_form_refuses_an_internal_address_beside_the_target(technician_client: Any) -> None:
    system = make_system()

    response = technician_client.post(
        reverse("systems:check_create"),
        {
            "system": system.pk, "name": "Metadata", "kind": "http",
            "target": "http://169.254.169.254/latest/", "dns_record_type": "A",
            "tls_warn_days": 14, "interval_seconds": 60, "timeout_seconds": 10,
            "retries": 1, "failures_to_confirm": 2,
        },
    )  # fmt: skip

    assert response.status_code == 200
    assert "HATRACK_CHECKS_INTERNAL_NETWORKS" in response.context["form"].errors["target"][0]
    assert not Check.objects.exists()


def test_run_now_makes_the_check_due_at_once(technician_client: Any) -> None:
    check = make_check(target=PUBLIC_TARGET, next_run_at=timezone.now() + timedelta(hours=1))

    response = technician_client.post(reverse("systems:check_run", args=[check.pk]))

    assert response.status_code == 302
    check.refresh_from_db()
    assert check.next_run_at is not None
    assert check.next_run_at <= timezone.now()
