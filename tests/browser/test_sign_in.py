"""Signing in and out in a real browser, and what each role is offered afterwards."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role

pytestmark = pytest.mark.browser


def test_leader_signs_in_and_sees_the_district_at_a_glance(
    page, sign_in, screenshot, district_data
):
    make_user(Role.LEADER, username="lead")
    sign_in(page, "lead")
    expect(page).to_have_url(re.compile(re.escape(reverse("home")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Maple Valley Unified")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("People")
    screenshot(page, "home-leader")


def test_a_wrong_password_is_refused_with_an_error_in_words(page, sign_in, screenshot):
    make_user(Role.LEADER, username="lead")
    sign_in(page, "lead", "not the password")
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login"))))
    expect(page.get_by_text("do not match an account")).to_be_visible()
    screenshot(page, "sign-in-wrong-password")


def test_leader_signs_out_and_the_workspace_asks_for_sign_in_again(
    page, signed_in, screenshot, district_data
):
    signed_in(page, make_user(Role.LEADER, username="lead"))
    page.goto(reverse("home"))
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(reverse("directory:person_list"))
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login"))))
    screenshot(page, "signed-out")


def test_staff_user_is_not_offered_the_directory_or_the_search(
    page, sign_in, screenshot, district_data
):
    make_user(Role.STAFF, username="teacher")
    sign_in(page, "teacher")
    expect(page).to_have_url(re.compile(re.escape(reverse("home")) + "$"))
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation).to_contain_text("Home")
    expect(navigation.get_by_role("link", name="People")).to_have_count(0)
    expect(navigation.get_by_role("link", name="Sites")).to_have_count(0)
    expect(page.get_by_role("search")).to_have_count(0)
    screenshot(page, "home-staff")


def test_staff_user_who_types_the_people_address_is_refused_in_words(
    page, signed_in, watch, live_server, district_data
):
    signed_in(page, make_user(Role.STAFF, username="teacher"))
    people_url = live_server.url + reverse("directory:person_list")
    watch.expect_refusal(people_url, 403)
    response = page.goto(people_url)
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Ortega")).to_have_count(0)


def test_repeated_wrong_passwords_pause_sign_in_with_an_explanation(
    page, sign_in, screenshot, watch, live_server, settings
):
    make_user(Role.LEADER, username="lead")
    login_url = live_server.url + reverse("accounts:login")
    watch.expect_refusal(login_url, 429)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, "lead", "guessing again")
    expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()
    expect(page.get_by_role("link", name="Reset your password")).to_be_visible()
    screenshot(page, "sign-in-paused")
    sign_in(page, "lead")
    expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()
