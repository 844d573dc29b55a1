"""The systems API for checks: lists, one check, its last raw results, and changes
through the checks service."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from hatrack.accounts.tokens import create_api_token
from hatrack.conftest import make_user
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
