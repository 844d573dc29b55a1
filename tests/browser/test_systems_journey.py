"""The systems hat in the browser: a leader marks single sign-on as failed and sees what
fails with it and who is affected, opens an incident for it, and the public status page
shows families the incident in plain words with none of the internal details."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role
from hatrack.directory.tests.factories import make_person, make_site
from hatrack.systems.models import DependencyKind, Effect
from hatrack.systems.services.incidents import post_update
from hatrack.systems.tests.factories import make_check, make_dependency, make_system

pytestmark = pytest.mark.browser

INTERNAL_NOTE = "Restarted idp-01.corp.example after the SAML signing key rolled over"
CHECK_TARGET = "https://idp-01.corp.example/health"


@pytest.fixture
def campus(db):
    """Two schools of students and teachers; sign-on under the learning platform and
    email; the library reads the platform's data; payroll stands apart."""
    leader = make_user(Role.LEADER, username="director")
    north, south = make_site(name="North Elementary"), make_site(name="South High")
    for n in range(6):
        make_person(primary_site=north, role="student", family_name=f"North{n}")
    for n in range(4):
        make_person(primary_site=south, role="student", family_name=f"South{n}")
    for n in range(3):
        make_person(primary_site=south, role="teacher", family_name=f"Teach{n}")
    make_person(primary_site=south, role="staff", family_name="Payroll")
    sso = make_system(
        name="Single sign-on", kind="identity", tier=1, audiences=["student", "teacher"],
        published=True, public_name="Signing in", public_description="One sign-in for apps.",
    )  # fmt: skip
    lms = make_system(name="Learning platform", kind="lms", tier=1, audiences=["student"])
    email = make_system(name="Staff email", kind="email", tier=2, audiences=["teacher"])
    library = make_system(name="Library catalog", kind="library", tier=3)
    make_system(name="Payroll (internal)", kind="finance", tier=1, audiences=["staff"])
    make_dependency(lms, sso, kind=DependencyKind.AUTHENTICATES)
    make_dependency(email, sso, kind=DependencyKind.AUTHENTICATES)
    make_dependency(library, lms, kind=DependencyKind.RECEIVES_DATA, effect=Effect.DEGRADES)
    make_check(sso, name="IdP health", target=CHECK_TARGET)
    return leader, sso


def test_a_leader_sees_what_fails_with_single_sign_on_and_who_is_affected(
    page, live_server, signed_in, campus, screenshot
):
    leader, _ = campus
    signed_in(page, leader)
    page.goto(live_server.url + reverse("systems:system_list"))
    page.get_by_role("link", name="Impact", exact=True).click()
    page.get_by_label("Single sign-on").check()
    page.get_by_role("button", name="Show the impact").click()

    table = page.locator("table.impact-table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("Single sign-on")
    expect(table.get_by_role("row", name="Learning platform Fails")).to_have_count(1)
    expect(table.get_by_role("row", name="Staff email Fails")).to_have_count(1)
    expect(table.get_by_role("row", name="Library catalog Degrades")).to_have_count(1)
    expect(table).not_to_contain_text("Payroll")
    # Every student and teacher uses sign-on: 10 students and 3 teachers, not the staff.
    people = page.locator(".impact-figures .stat", has_text="people in the directory")
    expect(people.locator(".value")).to_have_text("13")
    expect(page.locator(".impact-scope")).to_contain_text("Students")
    screenshot(page, "systems-impact")

    page.get_by_role("link", name="See them on the map").click()
    expect(page).to_have_url(re.compile(r"/systems/map/\?.*failed="))
    expect(page.locator("svg a", has_text="Single sign-on")).to_have_count(1)
    screenshot(page, "systems-map")


def test_the_public_status_page_shows_the_incident_and_nothing_internal(
    page, live_server, signed_in, campus, screenshot, browser: Browser
):
    leader, sso = campus
    signed_in(page, leader)
    page.goto(live_server.url + reverse("systems:incident_create"))
    page.locator("#id_title").fill("IdP signing key rolled over on idp-01")
    page.locator("select#id_systems").select_option(label="Single sign-on")
    page.get_by_label("First update").fill("Students and staff cannot sign in. We are on it.")
    page.get_by_role("button", name=re.compile("Open")).click()
    expect(page.locator("h1")).to_contain_text("IdP signing key rolled over")
    expect(page.locator("body")).to_contain_text("Learning platform")
    screenshot(page, "systems-incident")

    incident = sso.incidents.get()
    post_update(incident=incident, by=leader, body=INTERNAL_NOTE, public=False)

    # A family member: a browser context that has never signed in.
    family = browser.new_context(base_url=live_server.url)
    public = family.new_page()
    public.goto("/status/")
    body = public.locator("body")
    expect(body).to_contain_text("Signing in")
    expect(body).to_contain_text("Students and staff cannot sign in. We are on it.")
    for internal in (
        INTERNAL_NOTE, "idp-01", CHECK_TARGET, "IdP health", "Payroll", "Single sign-on",
        "IdP signing key",
    ):  # fmt: skip
        expect(body).not_to_contain_text(internal)
    expect(public.get_by_role("link", name="Tickets")).to_have_count(0)
    screenshot(public, "systems-status-page")
    family.close()
