"""The systems API for checks: lists, one check, its last raw results, and changes
through the checks service."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from hatrack.accounts.tokens import create_api_token
from hatrack.conftest import make_user
from hatrack.core.models import AuditEntry
from hatrack.systems.models import Check, CheckResult
from hatrack.systems.tests.factories import make_check, make_system

pytestmark = pytest.mark.django_db


def caller(client, role):
    user = make_user(role, username=f"api-{role}")
    _, key = create_api_token(user=user, name="tests", by=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return user


def send(client, method, url, body=None):
    return client.generic(method, url, data=json.dumps(body or {}), content_type="application/json")


def test_the_check_list_filters_by_system_and_shows_targets_to_readers(client):
    caller(client, "viewer")
    sso = make_system()
    mine = make_check(sso, target="https://sso.example.org/health")
    make_check(make_system())
    items = client.get(f"/api/checks?system={sso.pk}").json()["items"]
    assert [(c["id"], c["target"]) for c in items] == [(mine.pk, "https://sso.example.org/health")]


@pytest.mark.parametrize("rows", [1, 50])
def test_the_check_list_costs_the_same_queries_at_one_and_fifty_rows(
    client, django_assert_num_queries, rows
):
    caller(client, "viewer")
    system = make_system()
    Check.objects.bulk_create(
        Check(system=system, name=f"C{n:03d}", kind="http", target="http://x.test")
        for n in range(rows)
    )
    client.get("/api/checks")
    with django_assert_num_queries(2):
        assert len(client.get(f"/api/checks?system={system.pk}").json()["items"]) == rows


def test_a_checks_results_are_its_last_n_newest_first(client):
    caller(client, "viewer")
    check = make_check()
    now = timezone.now()
    CheckResult.objects.bulk_create(
        CheckResult(
            check_ref=check,
            checked_at=now - dt.timedelta(minutes=n),
            ok=n != 1,
            response_ms=100 + n,
        )
        for n in range(5)
    )
    items = client.get(f"/api/checks/{check.pk}/results?last=3").json()["items"]
    assert [r["response_ms"] for r in items] == [100, 101, 102]
    assert [r["ok"] for r in items] == [True, False, True]


def test_asking_for_too_many_results_answers_422_on_last(client):
    caller(client, "viewer")
    response = client.get(f"/api/checks/{make_check().pk}/results?last=5000")
    assert response.status_code == 422 and "last" in response.json()["errors"]


def test_a_check_with_a_bad_timeout_answers_422_on_the_field(client):
    caller(client, "technician")
    response = send(
        client, "POST", "/api/checks",
        {"system_id": make_system().pk, "name": "Web", "kind": "http",
         "target": "https://x.test", "timeout_seconds": 120},
    )  # fmt: skip
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["timeout_seconds"]
    assert not Check.objects.exists()


def test_a_technician_adds_a_check_and_it_is_audited(client):
    tech = caller(client, "technician")
    system = make_system()
    response = send(
        client, "POST", "/api/checks",
        {"system_id": system.pk, "name": "SSO record", "kind": "dns",
         "target": "sso.example.org", "interval_seconds": 120, "timeout_seconds": 5},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["system_id"], body["kind"], body["state"]) == (system.pk, "dns", "unknown")
    entry = AuditEntry.objects.get(object_id=str(body["id"]), content_type__model="check")
    assert entry.actor == tech


def test_a_tcp_check_without_a_port_answers_422_on_port(client):
    caller(client, "technician")
    response = send(
        client, "POST", "/api/checks",
        {"system_id": make_system().pk, "name": "Port", "kind": "tcp", "target": "db.example.org"},
    )  # fmt: skip
    assert response.status_code == 422 and list(response.json()["errors"]) == ["port"]
    assert not Check.objects.exists()


def test_a_technician_changes_what_is_sent_of_a_check(client):
    caller(client, "technician")
    check = make_check(kind="dns", target="sso.example.org", interval_seconds=60)
    response = send(client, "PATCH", f"/api/checks/{check.pk}", {"interval_seconds": 300})
    assert response.status_code == 200, response.content
    assert response.json()["interval_seconds"] == 300 and response.json()["target"] == check.target


def test_a_timeout_longer_than_the_interval_answers_422_and_changes_nothing(client):
    caller(client, "technician")
    check = make_check(kind="dns", target="sso.example.org", interval_seconds=60)
    change = {"timeout_seconds": 30, "interval_seconds": 10}
    response = send(client, "PATCH", f"/api/checks/{check.pk}", change)
    assert response.status_code == 422 and "timeout_seconds" in response.json()["errors"]
    check.refresh_from_db()
    assert check.interval_seconds == 60
