"""The API keeps its promises: the OpenAPI schema is valid, every response the schema
documents is produced by a real request and matches it, and the docs page works under
the strict Content-Security-Policy without any outside server."""

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from hatrack.accounts.models import User
from hatrack.accounts.tokens import create_api_token
from hatrack.api import api
from hatrack.conftest import make_user
from hatrack.core.api import api_operations
from hatrack.core.permissions import can
from hatrack.devices.services.assignments import check_out_device
from hatrack.devices.tests.factories import make_device, make_device_model, make_repair
from hatrack.directory.models import District
from hatrack.directory.tests.factories import (
    make_department,
    make_district,
    make_person,
    make_site,
)
from hatrack.servicedesk.tests.factories import make_category, make_queue, make_ticket
from hatrack.systems.models import Incident
from hatrack.systems.tests.factories import (
    make_check,
    make_dependency,
    make_incident,
    make_system,
)

pytestmark = pytest.mark.django_db

# As served: through JSON, so status codes are strings as in the document.
SCHEMA = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/")))


def documented_responses() -> list[tuple[str, str, int]]:
    return sorted(
        (method.upper(), path, int(status))
        for path, operations in SCHEMA["paths"].items()
        for method, operation in operations.items()
        for status in operation["responses"]
    )


def strict(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every object closed, so a response with an extra field fails."""
    schema = copy.deepcopy(schema)

    def close(node: Any) -> None:
        if isinstance(node, dict):
            if "properties" in node:
                node.setdefault("additionalProperties", False)
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(schema)
    return schema


CLOSED_COMPONENTS = strict(SCHEMA["components"])


def assert_matches_schema(method: str, path: str, status: int, body: Any) -> None:
    operation = SCHEMA["paths"][path][method.lower()]
    response_schema = operation["responses"][str(status)]["content"]["application/json"]
    root = {**strict(response_schema["schema"]), "components": CLOSED_COMPONENTS}
    validator = OAS31Validator(root, format_checker=OAS31Validator.FORMAT_CHECKER)
    errors = [e.message for e in validator.iter_errors(body)]
    assert errors == [], (method, path, status, body)


# --- The schema -------------------------------------------------------------------------


def test_the_schema_is_a_valid_openapi_document():
    validate(SCHEMA)


def test_the_schema_served_is_the_one_checked(viewer_client):
    response = viewer_client.get("/api/openapi.json")
    assert response.status_code == 200
    served = response.json()
    validate(served)
    assert served["paths"].keys() == SCHEMA["paths"].keys()


def test_the_schema_documents_token_and_session_authentication():
    schemes = SCHEMA["components"]["securitySchemes"]
    assert schemes["BearerTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"
    for operations in SCHEMA["paths"].values():
        for operation in operations.values():
            assert operation["security"] == [{"BearerTokenAuth": []}, {"SessionAuth": []}]


def test_every_operation_documents_its_refusals():
    for path, operations in SCHEMA["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"401", "403"} <= documented, (method, path)
            if "{" in path:
                assert "404" in documented, (method, path)
            if method in ("post", "patch"):
                assert "422" in documented, (method, path)


def test_the_schema_needs_a_signed_in_user():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_script_may_read_the_schema_with_its_token(staff):
    _, key = create_api_token(user=staff, name="codegen", by=staff)
    response = Client().get("/api/openapi.json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200


# --- Every documented response, produced and checked ---------------------------------------


@dataclass
class World:
    leader: Client
    viewer: Client
    staff: Client
    # An account whose role grants nothing: the one caller refused what everyone may do.
    roleless: Client
    anonymous: Client
    ids: dict[str, int]


def token_client(role: str) -> Client:
    user = User.objects.create(username=f"{role}-contract", role=role)  # no password: fast
    _, key = create_api_token(user=user, name="contract", by=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def world(settings) -> World:
    # The checks' factory target is on loopback, which an administrator must allow.
    settings.HATRACK_CHECKS_INTERNAL_NETWORKS = ["127.0.0.1/32"]
    make_district()
    site = make_site(name="Lincoln High", kind="high", grade_low="09", grade_high="12")
    department = make_department(name="Technology", site=site)
    person = make_person(given_name="Ann", family_name="Adams", primary_site=site, grade="10")
    for n in range(3):
        make_person(family_name=f"Zimmer{n}")
        make_site(name=f"Zone School {n}")
        make_department(name=f"Zone Team {n}")
    queue = make_queue(name="Technology", code="tech")
    category = make_category(queue=queue, name="Hardware")
    ticket = make_ticket(queue=queue, requester=person, site=site, description="It flickers.")
    into = make_ticket(queue=queue, requester=person, site=site)
    device_model = make_device_model(manufacturer="Lenovo", name="300e Chromebook Gen 3")
    device = make_device(model=device_model, site=site)
    held = make_device(model=device_model, site=site)
    assignment = check_out_device(device=held, holder=person, by=None)
    repair = make_repair(device=make_device(model=device_model))
    sso, lms = make_system(name="Single sign-on"), make_system(name="Learning platform")
    dependency = make_dependency(lms, sso)
    return World(
        leader=token_client("leader"),
        viewer=token_client("viewer"),
        staff=token_client("staff"),
        roleless=token_client(""),
        anonymous=Client(),
        ids={
            "site_id": site.pk,
            "department_id": department.pk,
            "person_id": person.pk,
            "queue_id": queue.pk,
            "category_id": category.pk,
            "ticket_id": ticket.pk,
            "into_id": into.pk,
            "model_id": device_model.pk,
            "device_id": device.pk,
            "assignment_id": assignment.pk,
            "repair_id": repair.pk,
            "system_id": sso.pk,
            "lms_id": lms.pk,
            "dependency_id": dependency.pk,
            "check_id": make_check(sso).pk,
            "incident_id": make_incident(sso).pk,
        },
    )


VALID_NEW = {
    "/api/sites": {"name": "Roosevelt Middle", "code": "RMS", "kind": "middle"},
    "/api/departments": {"name": "Nutrition", "code": "NUT"},
    "/api/people": {"given_name": "Ada", "family_name": "Lovelace", "role": "teacher"},
    "/api/queues": {"name": "Facilities", "code": "facilities"},
    "/api/queues/{queue_id}/categories": {"name": "Printing"},
    "/api/tickets": {"queue_id": "{queue_id}", "subject": "Projector is dark"},
    "/api/tickets/{ticket_id}/merge": {"into_id": "{into_id}"},
    "/api/tickets/{ticket_id}/messages": {"body": "A new lamp is on its way."},
    "/api/device-models": {"manufacturer": "Dell", "name": "3110", "category": "chromebook"},
    "/api/devices": {"serial_number": "5CD0001", "model_id": "{model_id}"},
    "/api/devices/{device_id}/status": {"status": "lost"},
    "/api/devices/{device_id}/check-out": {"holder_id": "{person_id}"},
    "/api/assignments/{assignment_id}/check-in": {"condition": "good"},
    "/api/repairs": {"device_id": "{device_id}", "problem": "Cracked screen"},
    "/api/systems": {"name": "Transportation routing", "kind": "transportation", "hosting": "saas"},
    "/api/dependencies": {
        "system_id": "{system_id}", "depends_on_id": "{lms_id}", "kind": "integrates"
    },
    "/api/impact": {"failed": ["{system_id}"]},
    "/api/checks": {
        "system_id": "{system_id}", "name": "SSO record", "kind": "dns",
        "target": "sso.example.org",
    },
    "/api/incidents": {
        "title": "Sign-in fails", "system_ids": ["{system_id}"], "message": "Looking into it."
    },
    "/api/incidents/{incident_id}/updates": {"body": "The vendor has found the cause."},
    "/api/incidents/{incident_id}/acknowledge": {},
}  # fmt: skip
# Ids in request bodies, written "{name}", are filled from the world's records.
VALID_CHANGES = {
    "/api/tickets/{ticket_id}": {"priority": "high", "tags": ["projector"]},
    "/api/devices/{device_id}": {"notes": "Cart 3", "asset_tag": "MV1"},
    "/api/device-models/{model_id}": {"expected_life_years": 5},
    "/api/repairs/{repair_id}": {"status": "at_vendor"},
    "/api/systems/{system_id}": {"tier": 1},
    "/api/checks/{check_id}": {"interval_seconds": 300},
}
INVALID_CHANGES = {"/api/tickets/{ticket_id}": {"category_id": 999999}}
VALID_CHANGE = {"name": "Renamed"}
VALID_PERSON_CHANGE = {"family_name": "Baker", "active": False}
INVALID_CHANGE = {"name": ""}
INVALID_PERSON_CHANGE = {"email": "not an address"}


def call(client: Client, method: str, url: str, body: dict | None = None):
    if method == "GET":
        return client.get(url)
    return getattr(client, method.lower())(url, body or {}, content_type="application/json")


def filled(body: dict, ids: dict[str, int]) -> dict:
    def fill(value: Any) -> Any:
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, str) and value.startswith("{"):
            return ids[value.strip("{}")]
        return value

    return {name: fill(value) for name, value in body.items()}


def valid_body(world: World, method: str, path: str) -> dict:
    if method == "POST":
        return filled(VALID_NEW[path], world.ids)
    if path in VALID_CHANGES:
        return filled(VALID_CHANGES[path], world.ids)
    return VALID_PERSON_CHANGE if path.startswith("/api/people/") else VALID_CHANGE


def invalid_body(path: str) -> dict:
    if path in INVALID_CHANGES:
        return INVALID_CHANGES[path]
    return INVALID_PERSON_CHANGE if path.startswith("/api/people/") else INVALID_CHANGE


def refused(world: World, method: str, path: str) -> Client:
    """A caller refused the operation: the Staff user, or where even Staff may (opening a
    ticket, reading one's own), an account whose role grants nothing."""
    actions = {(m, f"/api{p}"): action for m, p, _, action in api_operations(api)}
    staff = User(role="staff", is_active=True)
    return world.roleless if can(staff, actions[(method, path)]) else world.staff


def scenario(world: World, method: str, path: str, status: int):
    """The request that should produce `status` from `method path`."""
    url = path.format(**world.ids)
    if status == 401:
        return call(world.anonymous, method, url, {})
    if status == 403:
        return call(refused(world, method, path), method, url, {})
    if status == 404:
        if path == "/api/district":
            District.objects.all().delete()
            return call(world.viewer, method, url)
        missing = re.sub(r"/\d+(?=/|$)", "/999999", url)
        return call(world.leader, method, missing, valid_body(world, method, path))
    if status == 400:
        return world.viewer.get(f"{url}?after=tampered")
    if path.endswith("/acknowledge") and status == 422:
        Incident.objects.filter(pk=world.ids["incident_id"]).update(
            status="resolved", resolved_at=timezone.now()
        )
        return call(world.leader, method, url)
    if path == "/api/impact" and method == "GET" and status == 422:
        return world.viewer.get(f"{url}?failed=999999")
    if method == "GET":
        return world.viewer.get(url if status == 200 else f"{url}?limit=0")
    if method == "POST":
        body = valid_body(world, method, path) if status in (200, 201) else {}
        return call(world.leader, method, url, body)
    if status == 200:
        return call(world.leader, method, url, valid_body(world, method, path))
    return call(world.leader, method, url, invalid_body(path))


@pytest.mark.parametrize(
    ("method", "path", "status"),
    documented_responses(),
    ids=[f"{m} {p} {s}" for m, p, s in documented_responses()],
)
def test_every_documented_response_is_produced_and_matches_the_schema(world, method, path, status):
    response = scenario(world, method, path, status)
    assert response.status_code == status, response.content
    if status == 204:  # a deletion answers with no body
        assert response.content == b""
        return
    assert response["Content-Type"].startswith("application/json")
    assert_matches_schema(method, path, status, response.json())


def test_the_contract_covers_every_endpoint():
    operations = {(m, p) for m, p, _ in documented_responses()}
    assert len(operations) == 65


def test_a_list_item_with_an_extra_field_would_fail_the_contract(world):
    body = world.viewer.get("/api/people").json()
    body["items"][0]["birthday"] = "2010-01-01"
    with pytest.raises(AssertionError):
        assert_matches_schema("GET", "/api/people", 200, body)


def test_list_and_detail_endpoints_write_the_same_person(world):
    listed = world.viewer.get("/api/people?q=adams").json()["items"][0]
    single = world.viewer.get(f"/api/people/{world.ids['person_id']}").json()
    assert listed == single


# --- The docs page ---------------------------------------------------------------------------


def test_the_docs_page_sends_strangers_to_sign_in():
    response = Client().get("/api/docs")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["leader", "technician", "staff", "viewer"])
def test_every_signed_in_role_may_read_the_docs(role, client_for):
    response = client_for(make_user(role)).get("/api/docs")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content


def test_the_api_root_leads_to_the_docs(viewer_client):
    response = viewer_client.get("/api/")
    assert response.status_code == 302
    assert response["Location"] == "/api/docs"


def test_the_docs_page_loads_only_files_from_this_server(viewer_client):
    html = viewer_client.get("/api/docs").content.decode()
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert urls
    assert all(url.startswith("/static/") for url in urls), urls
    for url in urls:
        assert viewer_client.get(url).status_code == 200, url


def test_the_docs_page_has_no_inline_script_or_style(viewer_client):
    html = viewer_client.get("/api/docs").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.DOTALL)
    for attributes, text in scripts:
        executable = 'type="application/json"' not in attributes
        assert not (executable and text.strip()), attributes
    assert "<style" not in html
    assert " style=" not in html
    assert "validatorUrl" in html  # no badge fetched from validator.swagger.io


def test_the_docs_page_is_served_under_the_strict_content_security_policy(viewer_client):
    policy = viewer_client.get("/api/docs")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
