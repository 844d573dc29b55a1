"""Every page a role is offered opens cleanly: a title, a heading, no browser errors."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role

pytestmark = pytest.mark.browser


def walk_navigation(page, screenshot, prefix: str | None) -> list[str]:
    """Open each link of the main navigation in turn; return the labels visited.

    With a prefix, each page is saved as a screenshot (the leader's walk covers them all;
    the other roles see the same pages, so theirs are not saved again)."""
    page.goto(reverse("home"))
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    targets = [(link.inner_text().strip(), link.get_attribute("href")) for link in links.all()]
    for label, href in targets:
        response = page.goto(href)
        assert response is not None
        assert response.status == 200, f"{label} ({href}) answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page).to_have_title(re.compile(r"\S.* · Hatrack$"))
        if prefix:
            slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
            screenshot(page, f"{prefix}-{slug}")
    return [label for label, _ in targets]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.LEADER,
            {
                "People",
                "School calendar",
                "Vendors",
                "Funding sources",
                "Tickets",
                "Metrics",
                "Desk settings",
                "Devices",
                "Audit log",
            },
        ),
        (Role.TECHNICIAN, {"People", "Sites", "Tickets", "Knowledge base", "Get help", "Devices"}),
        (Role.VIEWER, {"People", "Sites", "Tickets", "Metrics", "Devices", "Reports"}),
        (Role.STAFF, {"Home", "Get help"}),
    ],
)
def test_every_page_in_a_roles_navigation_opens_without_browser_errors(
    page, signed_in, screenshot, district_data, role, expected
):
    signed_in(page, make_user(role, username=f"{role}-walker"))
    visited = walk_navigation(page, screenshot, "nav" if role == Role.LEADER else None)
    assert expected <= set(visited)


@pytest.mark.parametrize(
    "url_name",
    [
        "directory:person_create",
        "directory:site_create",
        "directory:department_create",
        "directory:district",
        "directory:district_edit",
        "directory:import_create",
        "directory:vendor_create",
        "directory:funding_create",
        "accounts:user_create",
        "accounts:profile",
        "accounts:password_change",
    ],
)
def test_each_leader_form_and_profile_page_opens_without_browser_errors(
    page, signed_in, screenshot, district_data, url_name
):
    signed_in(page, make_user(Role.LEADER, username="lead"))
    response = page.goto(reverse(url_name))
    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "page-" + url_name.replace(":", "-").replace("_", "-"))


def test_the_detail_pages_of_a_person_a_site_and_a_department_open_cleanly(
    page, signed_in, screenshot, district_data
):
    signed_in(page, make_user(Role.LEADER, username="lead"))
    person = district_data["people"]["priya"]
    site = district_data["sites"][2]
    department = person.department
    for name, url in [
        ("person", person.get_absolute_url()),
        ("site", site.get_absolute_url()),
        ("department", department.get_absolute_url()),
        ("person-edit", reverse("directory:person_edit", args=[person.pk])),
    ]:
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, f"{name} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        screenshot(page, f"detail-{name}")
