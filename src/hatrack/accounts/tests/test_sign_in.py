"""Signing in and out, brute-force protection and session expiry, through the pages."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hatrack.conftest import PASSWORD, make_user
from hatrack.core.roles import Role

LOGIN = reverse("accounts:login")


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def signed_in_as(client: Client) -> str | None:
    response = client.get(reverse("accounts:profile"))
    return response.context["request"].user.username if response.status_code == 200 else None


@pytest.mark.django_db
def test_the_sign_in_page_shows_labelled_fields_without_the_workspace_shell():
    response = Client().get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">Username or email' in html
    assert '<label for="id_password">Password' in html
    assert "standalone" in html
    assert 'class="sidebar"' not in html


def test_a_technician_signs_in_with_their_username_and_lands_on_home(technician):
    client = Client()
    response = sign_in(client, technician.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_as(client) == technician.username


def test_a_viewer_signs_in_with_their_email_address_in_any_case(viewer):
    client = Client()
    sign_in(client, viewer.email.upper())
    assert signed_in_as(client) == viewer.username


def test_a_wrong_password_is_refused_with_an_explanation_in_words(staff):
    client = Client()
    response = sign_in(client, staff.username, "not the password")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert signed_in_as(client) is None


def test_a_deactivated_account_cannot_sign_in(db):
    user = make_user(Role.LEADER, is_active=False)
    client = Client()
    sign_in(client, user.username)
    assert signed_in_as(client) is None


def test_sign_in_follows_a_safe_next_address(leader):
    response = sign_in(Client(), leader.username, next="/directory/people/?q=ann")
    assert response["Location"] == "/directory/people/?q=ann"


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example.com/", "//evil.example.com/path", "javascript:alert(1)"]
)
def test_sign_in_ignores_a_next_address_on_another_site(leader, unsafe):
    response = sign_in(Client(), leader.username, next=unsafe)
    assert response["Location"] == reverse("home")


def test_the_sign_in_page_keeps_the_next_address_for_the_form(db):
    response = Client().get(LOGIN + "?next=/audit/")
    assert 'name="next" value="/audit/"' in response.content.decode()


def test_a_signed_in_user_opening_the_sign_in_page_goes_home(leader_client):
    response = leader_client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_signing_out_takes_a_post_and_ends_the_session(staff_client):
    response = staff_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert signed_in_as(staff_client) is None


def test_signing_out_refuses_a_get_so_a_link_cannot_sign_anyone_out(staff_client):
    assert staff_client.get(reverse("accounts:logout")).status_code == 405
    assert signed_in_as(staff_client) is not None


def test_the_sixth_attempt_is_refused_even_with_the_right_password(technician):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, technician.username, "wrong password!")
    response = sign_in(client, technician.username, PASSWORD)
    assert response.status_code == 429
    assert signed_in_as(client) is None


def test_the_lockout_page_says_when_to_try_again_to_an_anonymous_visitor(technician):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, technician.username, "wrong password!")
    html = response.content.decode()
    assert response.status_code == 429
    assert "Sign-in paused" in html
    assert "Try again in 15 minutes" in html
    assert reverse("accounts:password_reset") in html


def test_failures_by_email_address_count_against_the_same_account(technician):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        name = technician.email if attempt % 2 else technician.username
        sign_in(client, name, "wrong password!")
    assert sign_in(client, technician.email, PASSWORD).status_code == 429


def test_sign_in_works_again_after_the_cool_off(technician):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, technician.username, "wrong password!")
    later = timezone.now() + settings.AXES_COOLOFF_TIME * datetime.timedelta(hours=1)
    with time_machine.travel(later + datetime.timedelta(minutes=1)):
        sign_in(client, technician.username)
        assert signed_in_as(client) == technician.username


def test_a_session_ends_after_the_session_age_without_activity(staff):
    client = Client()
    sign_in(client, staff.username)
    age = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(timezone.now() + age + datetime.timedelta(minutes=1)):
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_activity_keeps_a_session_alive_past_the_session_age(staff):
    client = Client()
    sign_in(client, staff.username)
    start = timezone.now()
    half = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE * 0.6)
    with time_machine.travel(start + half):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + 2 * half):
        assert client.get(reverse("home")).status_code == 200


def test_the_session_cookie_ends_with_the_browser_and_is_not_readable_by_scripts(staff):
    client = Client()
    response = sign_in(client, staff.username)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert not cookie["max-age"]
