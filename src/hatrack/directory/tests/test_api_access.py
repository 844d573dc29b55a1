"""Who may call the directory API, and how: tokens, sessions, roles, CSRF."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from hatrack.accounts.models import ApiToken
from hatrack.accounts.tokens import create_api_token, revoke_api_token
from hatrack.api import api
from hatrack.conftest import make_user
from hatrack.core.api import api_operations
from hatrack.core.permissions import POLICY
from hatrack.directory.models import Person
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.django_db


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def key_for(user, **extra) -> str:
    _, key = create_api_token(user=user, name="script", by=user, **extra)
    return key


def test_every_api_operation_declares_an_action_from_the_policy():
    operations = api_operations(api)
    assert len(operations) >= 14
    undeclared = [(m, p) for m, p, _, action in operations if action not in POLICY]
    assert undeclared == []


def test_reading_the_directory_needs_directory_view_and_writing_directory_change():
    for method, path, view, action in api_operations(api):
        if view.__module__ != "hatrack.directory.api":
            continue  # other apps' endpoints declare their own actions
        expected = "directory.view" if method == "GET" else "directory.change"
        assert action == expected, (method, path)


def test_a_request_without_credentials_is_refused_with_401_json():
    response = Client().get("/api/people")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_refused_with_401():
    response = Client().get("/api/people", **bearer("htk_not-a-real-key"))
    assert response.status_code == 401


def test_a_token_of_another_scheme_is_refused_with_401(viewer):
    key = key_for(viewer)
    response = Client().get("/api/people", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401


@pytest.mark.parametrize("role", ["viewer", "technician", "leader"])
def test_readers_list_people_with_a_token(role):
    make_person(family_name="Abbott")
    response = Client().get("/api/people", **bearer(key_for(make_user(role))))
    assert response.status_code == 200
    assert [p["family_name"] for p in response.json()["items"]] == ["Abbott"]


def test_staff_may_not_read_the_directory_through_the_api(staff):
    response = Client().get("/api/people", **bearer(key_for(staff)))
    assert response.status_code == 403
    assert "directory.view" in response.json()["detail"]


def test_staff_is_refused_before_its_parameters_are_checked(staff):
    response = Client().get("/api/people?limit=5000", **bearer(key_for(staff)))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["viewer", "technician", "staff"])
def test_only_leaders_may_create_people(role):
    response = Client().post(
        "/api/people",
        {"given_name": "Ada", "family_name": "Lovelace", "role": "teacher"},
        content_type="application/json",
        **bearer(key_for(make_user(role))),
    )
    assert response.status_code == 403
    assert not Person.objects.exists()


def test_a_revoked_token_no_longer_works(viewer):
    token, key = create_api_token(user=viewer, name="script", by=viewer)
    revoke_api_token(token=token, by=viewer)
    assert Client().get("/api/people", **bearer(key)).status_code == 401


def test_an_expired_token_no_longer_works(viewer, time_machine):
    _, key = create_api_token(
        user=viewer,
        name="script",
        by=viewer,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    time_machine.move_to(timezone.now() + datetime.timedelta(days=2))
    assert Client().get("/api/people", **bearer(key)).status_code == 401


def test_the_token_of_a_deactivated_user_no_longer_works(viewer):
    key = key_for(viewer)
    viewer.is_active = False
    viewer.save()
    assert Client().get("/api/people", **bearer(key)).status_code == 401


def test_a_token_acts_with_its_users_current_role(viewer):
    key = key_for(viewer)
    viewer.role = "staff"
    viewer.save()
    assert Client().get("/api/people", **bearer(key)).status_code == 403


def test_using_a_token_records_when_it_was_last_used(viewer):
    token, key = create_api_token(user=viewer, name="script", by=viewer)
    Client().get("/api/people", **bearer(key))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(viewer, time_machine, django_assert_num_queries):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    token, key = create_api_token(user=viewer, name="script", by=viewer)
    client = Client()
    client.get("/api/people", **bearer(key))
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, 30, tzinfo=datetime.UTC))
    with django_assert_num_queries(2):  # the token and the page, no write
        client.get("/api/people", **bearer(key))
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 1, 30, tzinfo=datetime.UTC))
    client.get("/api/people", **bearer(key))
    token.refresh_from_db()
    assert token.last_used_at == datetime.datetime(2026, 3, 2, 9, 1, 30, tzinfo=datetime.UTC)


def test_only_the_hash_of_a_key_is_stored(viewer):
    token, key = create_api_token(user=viewer, name="script", by=viewer)
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert token.key_hash == ApiToken.hash_key(key)


def test_a_signed_in_browser_session_may_read(viewer_client):
    make_site(name="Lincoln High")
    response = viewer_client.get("/api/sites")
    assert response.status_code == 200
    assert response.json()["items"][0]["name"] == "Lincoln High"


def test_a_session_write_without_the_csrf_token_is_refused(leader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        "/api/sites",
        {"name": "Lincoln High", "code": "LHS", "kind": "high"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_session_write_with_the_csrf_token_is_accepted(leader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader, backend="django.contrib.auth.backends.ModelBackend")
    client.get("/accounts/profile/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/sites",
        {"name": "Lincoln High", "code": "LHS", "kind": "high"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201


def test_a_token_write_needs_no_csrf_token(leader):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/sites",
        {"name": "Lincoln High", "code": "LHS", "kind": "high"},
        content_type="application/json",
        **bearer(key_for(leader)),
    )
    assert response.status_code == 201


def test_an_anonymous_write_is_refused_with_401_not_a_csrf_error():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/sites", {}, content_type="application/json")
    assert response.status_code == 401


def undeclared_endpoint(request):
    return {}


def test_an_endpoint_that_declares_no_action_is_reported_and_refuses_everyone(leader):
    from django.test import RequestFactory
    from ninja import Router
    from ninja.errors import AuthorizationError

    from hatrack.core.api import HatrackAPI

    router = Router()
    router.get("/undeclared")(undeclared_endpoint)
    scratch = HatrackAPI(title="scratch", urls_namespace="scratch-undeclared")
    scratch.add_router("", router)
    [(method, path, _, action)] = api_operations(scratch)
    assert (method, path, action) == ("GET", "/undeclared", None)
    [operation] = [
        op
        for bound in scratch._get_bound_routers()
        for view in bound.path_operations.values()
        for op in view.operations
    ]
    request = RequestFactory().get("/api/undeclared")
    request.user = leader
    with pytest.raises(AuthorizationError):
        for auth in operation.auth_callbacks:
            auth(request)


def test_a_declaration_above_the_router_decorator_is_reported_as_missing():
    from ninja import Router

    from hatrack.core.api import HatrackAPI, api_requires

    router = Router()

    @api_requires("directory.view")
    @router.get("/misplaced")
    def misplaced(request):
        return {}

    scratch = HatrackAPI(title="scratch", urls_namespace="scratch-misplaced")
    scratch.add_router("", router)
    [(_, _, _, action)] = api_operations(scratch)
    assert action is None
