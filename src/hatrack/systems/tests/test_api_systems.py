"""The systems API: who may call what, the catalog and its dependencies, impact analysis
and uptime, in the house's pages and error format."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from hatrack.accounts.tokens import create_api_token
from hatrack.conftest import make_user
from hatrack.core.models import AuditEntry
from hatrack.systems.models import Dependency, Outage, System
from hatrack.systems.tests.factories import (
    make_check,
    make_dependency,
    make_incident,
    make_system,
)

pytestmark = pytest.mark.django_db


def caller(client, role):
    user = make_user(role, username=f"api-{role}")
    _, key = create_api_token(user=user, name="tests", by=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return user


def send(client, method, url, body=None):
    return client.generic(method, url, data=json.dumps(body or {}), content_type="application/json")


# --- Who may call what --------------------------------------------------------------------

READERS = {"leader", "technician", "viewer"}
WORKERS = {"leader", "technician"}
LEADERS = {"leader"}


def endpoints():
    """(method, url, allowed roles) for every systems endpoint; writes send an empty
    body, so a caller let in gets 422 and nothing changes."""
    system = make_system()
    other = make_system()
    dependency = make_dependency(system, other)
    check = make_check(system)
    incident = make_incident(system)
    return [
        ("GET", "/api/systems", READERS),
        ("GET", f"/api/systems/{system.pk}", READERS),
        ("POST", "/api/systems", LEADERS),
        ("PATCH", f"/api/systems/{system.pk}", LEADERS),
        ("GET", "/api/dependencies", READERS),
        ("POST", "/api/dependencies", LEADERS),
        ("DELETE", f"/api/dependencies/{dependency.pk}", LEADERS),
        ("GET", f"/api/impact?failed={other.pk}", READERS),
        ("POST", "/api/impact", READERS),
        ("GET", f"/api/systems/{system.pk}/uptime", READERS),
        ("GET", "/api/checks", READERS),
        ("GET", f"/api/checks/{check.pk}", READERS),
        ("GET", f"/api/checks/{check.pk}/results", READERS),
        ("POST", "/api/checks", WORKERS),
        ("PATCH", f"/api/checks/{check.pk}", WORKERS),
        ("GET", "/api/incidents", READERS),
        ("GET", f"/api/incidents/{incident.pk}", READERS),
        ("POST", "/api/incidents", WORKERS),
        ("POST", f"/api/incidents/{incident.pk}/updates", WORKERS),
        ("POST", f"/api/incidents/{incident.pk}/acknowledge", WORKERS),
    ]


@pytest.mark.parametrize("role", ["leader", "technician", "staff", "viewer", "outsider"])
def test_every_systems_endpoint_lets_in_exactly_the_roles_of_its_action(client, role):
    if role != "outsider":
        caller(client, role)
    for method, url, allowed in endpoints():
        status = send(client, method, url).status_code
        if role == "outsider":
            assert status == 401, (method, url, status)
        elif role in allowed:
            assert status not in (401, 403), (method, url, status)
        else:
            assert status == 403, (method, url, status)


def test_every_systems_endpoint_is_in_the_openapi_schema(viewer_client):
    paths = viewer_client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/systems", "/api/systems/{system_id}", "/api/dependencies",
        "/api/dependencies/{dependency_id}", "/api/impact", "/api/systems/{system_id}/uptime",
        "/api/checks", "/api/checks/{check_id}", "/api/checks/{check_id}/results",
        "/api/incidents", "/api/incidents/{incident_id}", "/api/incidents/{incident_id}/updates",
        "/api/incidents/{incident_id}/acknowledge",
    ):  # fmt: skip
        assert path in paths, path
    assert "SystemIn" in viewer_client.get("/api/openapi.json").json()["components"]["schemas"]


# --- Systems ----------------------------------------------------------------------------------


def test_the_system_list_filters_by_kind_tier_state_and_name(client):
    caller(client, "viewer")
    make_system(name="Canvas", kind="lms", tier=1, state="operational")
    make_system(name="Clever", kind="identity", tier=1, state="down")
    make_system(name="Destiny", kind="library", tier=3)
    names = lambda url: [s["name"] for s in client.get(url).json()["items"]]  # noqa: E731
    assert names("/api/systems") == ["Canvas", "Clever", "Destiny"]
    assert names("/api/systems?kind=lms") == ["Canvas"]
    assert names("/api/systems?tier=1&state=down") == ["Clever"]
    assert names("/api/systems?q=des") == ["Destiny"]


def test_the_system_list_leaves_retired_systems_out_unless_asked(client):
    caller(client, "viewer")
    make_system(name="Old SIS", active=False)
    assert client.get("/api/systems").json()["items"] == []
    assert len(client.get("/api/systems?active=false").json()["items"]) == 1


def test_the_system_list_pages_and_follows_next(client):
    caller(client, "viewer")
    for n in range(5):
        make_system(name=f"S{n}")
    first = client.get("/api/systems?limit=3").json()
    assert len(first["items"]) == 3 and first["next"]
    second = client.get(first["next"]).json()
    assert [s["name"] for s in second["items"]] == ["S3", "S4"] and second["next"] is None


@pytest.mark.parametrize("rows", [1, 50])
def test_the_system_list_costs_the_same_queries_at_one_and_fifty_rows(
    client, django_assert_num_queries, rows
):
    caller(client, "viewer")
    System.objects.bulk_create(
        System(name=f"Sys {n:03d}", kind="other", hosting="saas") for n in range(rows)
    )
    client.get("/api/systems")
    with django_assert_num_queries(2):  # the token, the page
        assert len(client.get("/api/systems?tier=2").json()["items"]) == rows


def test_one_system_in_full_with_its_sites(client):
    caller(client, "viewer")
    from hatrack.directory.tests.factories import make_site

    site = make_site()
    system = make_system(name="Canvas", links=[{"title": "Guide", "url": "https://x.test"}])
    system.sites.add(site)
    body = client.get(f"/api/systems/{system.pk}").json()
    assert body["site_ids"] == [site.pk] and body["links"][0]["title"] == "Guide"


def test_a_missing_system_answers_404_in_words(client):
    caller(client, "viewer")
    response = client.get("/api/systems/424242")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_a_leader_adds_a_system_and_it_is_audited(client):
    leader = caller(client, "leader")
    response = send(
        client, "POST", "/api/systems",
        {"name": "PowerSchool", "kind": "sis", "hosting": "vendor_cloud", "tier": 1,
         "data_held": ["student_records"], "privacy": "restricted", "runbook": "# Restart"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "PowerSchool" and "<h1>" in body["runbook_html"]
    entry = AuditEntry.objects.get(object_id=str(body["id"]), content_type__model="system")
    assert entry.actor == leader


def test_a_duplicate_system_name_answers_422_on_the_field(client):
    caller(client, "leader")
    make_system(name="Canvas")
    response = send(
        client, "POST", "/api/systems", {"name": "Canvas", "kind": "lms", "hosting": "saas"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Some values are not valid; see errors."
    assert list(body["errors"]) == ["name"]


def test_an_unknown_vendor_id_answers_422_on_vendor_id(client):
    caller(client, "leader")
    response = send(
        client, "POST", "/api/systems",
        {"name": "Canvas", "kind": "lms", "hosting": "saas", "vendor_id": 999},
    )  # fmt: skip
    assert response.json()["errors"] == {"vendor_id": ["No vendor has the id 999."]}


def test_an_unknown_field_or_choice_answers_422_and_changes_nothing(client):
    caller(client, "leader")
    response = send(client, "POST", "/api/systems", {"name": "X", "kind": "toaster"})
    assert response.status_code == 422 and "kind" in response.json()["errors"]
    assert not System.objects.exists()


def test_a_leader_changes_what_is_sent_of_a_system(client):
    caller(client, "leader")
    system = make_system(name="Canvas", tier=2)
    response = send(client, "PATCH", f"/api/systems/{system.pk}", {"tier": 1})
    assert response.status_code == 200, response.content
    system.refresh_from_db()
    assert (system.tier, system.name) == (1, "Canvas")


def test_sensitive_data_with_low_privacy_answers_422_on_privacy(client):
    caller(client, "leader")
    system = make_system()
    response = send(
        client, "PATCH", f"/api/systems/{system.pk}",
        {"data_held": ["health"], "privacy": "public"},
    )  # fmt: skip
    assert response.status_code == 422 and "privacy" in response.json()["errors"]


# --- Dependencies -------------------------------------------------------------------------


def test_dependencies_list_per_system_or_all(client):
    caller(client, "viewer")
    sso, lms, sis = make_system(), make_system(), make_system()
    make_dependency(lms, sso)
    make_dependency(lms, sis, kind="receives_data")
    make_dependency(sis, sso)
    assert len(client.get("/api/dependencies").json()["items"]) == 3
    mine = client.get(f"/api/dependencies?system={lms.pk}").json()["items"]
    assert {d["depends_on_id"] for d in mine} == {sso.pk, sis.pk}
    on_sso = client.get(f"/api/dependencies?depends_on={sso.pk}").json()["items"]
    assert {d["system_id"] for d in on_sso} == {lms.pk, sis.pk}


@pytest.mark.parametrize("rows", [1, 50])
def test_the_dependency_list_costs_the_same_queries_at_one_and_fifty_rows(
    client, django_assert_num_queries, rows
):
    caller(client, "viewer")
    hub = make_system()
    others = System.objects.bulk_create(
        System(name=f"Dep {n:03d}", kind="other", hosting="saas") for n in range(rows)
    )
    Dependency.objects.bulk_create(
        Dependency(system=o, depends_on=hub, kind="authenticates") for o in others
    )
    client.get("/api/dependencies")
    with django_assert_num_queries(2):
        assert len(client.get(f"/api/dependencies?depends_on={hub.pk}").json()["items"]) == rows


def test_a_leader_records_a_dependency_with_the_kinds_usual_effect(client):
    caller(client, "leader")
    lms, sis = make_system(), make_system()
    response = send(
        client, "POST", "/api/dependencies",
        {"system_id": lms.pk, "depends_on_id": sis.pk, "kind": "receives_data"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["effect"] == "degrades"


def test_a_system_depending_on_itself_answers_422(client):
    caller(client, "leader")
    lms = make_system()
    response = send(
        client, "POST", "/api/dependencies",
        {"system_id": lms.pk, "depends_on_id": lms.pk, "kind": "runs_on"},
    )  # fmt: skip
    assert response.status_code == 422 and response.json()["errors"]
    assert not Dependency.objects.exists()


def test_an_unknown_system_in_a_dependency_answers_422_on_its_field(client):
    caller(client, "leader")
    lms = make_system()
    response = send(
        client, "POST", "/api/dependencies",
        {"system_id": lms.pk, "depends_on_id": 999, "kind": "runs_on"},
    )  # fmt: skip
    assert response.json()["errors"] == {"depends_on_id": ["No system has the id 999."]}


def test_a_leader_removes_a_dependency(client):
    caller(client, "leader")
    dependency = make_dependency(make_system(), make_system())
    assert send(client, "DELETE", f"/api/dependencies/{dependency.pk}").status_code == 204
    assert not Dependency.objects.exists()
    assert send(client, "DELETE", f"/api/dependencies/{dependency.pk}").status_code == 404


# --- Impact and uptime ------------------------------------------------------------------------


def _campus():
    sso = make_system(name="SSO", tier=1, kind="identity")
    lms = make_system(name="Canvas", tier=2, kind="lms")
    sis = make_system(name="PowerSchool", tier=1, kind="sis")
    library = make_system(name="Destiny", tier=3, kind="library")
    reports = make_system(name="Reports", tier=3)
    make_dependency(lms, sso)  # fails
    make_dependency(sis, sso)  # fails
    make_dependency(library, sso)  # fails
    make_dependency(reports, sis, kind="receives_data")  # degrades
    return sso, lms, sis, library, reports


def test_impact_lists_the_failed_then_failing_then_degraded_by_tier_and_name(client):
    caller(client, "viewer")
    sso, *_ = _campus()
    body = send(client, "POST", "/api/impact", {"failed": [sso.pk]}).json()
    assert body["selected"] == [sso.pk]
    assert [(s["name"], s["effect"]) for s in body["systems"]] == [
        ("SSO", "failed"),
        ("PowerSchool", "fails"),
        ("Canvas", "fails"),
        ("Destiny", "fails"),
        ("Reports", "degrades"),
    ]


def test_impact_by_get_gives_what_post_gives(client):
    caller(client, "viewer")
    sso, lms, *_ = _campus()
    by_get = client.get(f"/api/impact?failed={sso.pk}&failed={lms.pk}").json()
    by_post = send(client, "POST", "/api/impact", {"failed": [sso.pk, lms.pk]}).json()
    assert by_get == by_post


def test_impact_of_an_unknown_system_answers_422_on_failed(client):
    caller(client, "viewer")
    response = send(client, "POST", "/api/impact", {"failed": [999]})
    assert response.status_code == 422
    assert response.json()["errors"] == {"failed": ["No system has the id 999."]}


def test_impact_by_get_with_no_failed_system_is_empty(client):
    caller(client, "viewer")
    response = client.get("/api/impact")
    assert response.status_code == 200
    assert response.json()["systems"] == []
    assert response.json()["people"] == 0


def test_a_systems_uptime_counts_its_outages(client):
    caller(client, "viewer")
    system = make_system()
    check = make_check(system)
    now = timezone.now()
    Outage.objects.create(
        check_ref=check, system=system, started_at=now - dt.timedelta(hours=3),
        detected_at=now - dt.timedelta(hours=3), ended_at=now - dt.timedelta(hours=1),
    )  # fmt: skip
    body = client.get(f"/api/systems/{system.pk}/uptime?days=1").json()
    assert body["downtime_seconds"] == pytest.approx(7200, abs=1)
    assert body["uptime_percent"] == pytest.approx(100 * (1 - 2 / 24), abs=0.01)


def test_an_unwatched_systems_uptime_is_null(client):
    caller(client, "viewer")
    body = client.get(f"/api/systems/{make_system().pk}/uptime").json()
    assert body["uptime_percent"] is None and body["days"] == 90
