"""The layout on a phone: every page fits the screen's width (wide tables scroll inside
their own frame), and the navigation folds behind a Menu button."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def test_the_main_pages_fit_a_phone_screen_without_sideways_scrolling(
    page, signed_in, screenshot, district_data
):
    signed_in(page, make_user(Role.LEADER, username="lead"))
    page.set_viewport_size(PHONE)
    marisol = district_data["people"]["marisol"]
    too_wide = {}
    for name, url in [
        ("home", reverse("home")),
        ("people", reverse("directory:person_list")),
        ("person", marisol.get_absolute_url()),
        ("sites", reverse("directory:site_list")),
        ("site", marisol.primary_site.get_absolute_url()),
    ]:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        screenshot(page, f"phone-{name}")
        if (overflow := page.evaluate(PAGE_OVERFLOW)) > 0:
            too_wide[name] = f"{overflow}px wider than the screen"
    assert not too_wide


def test_on_a_phone_the_navigation_folds_behind_a_menu_button(page, signed_in, screenshot):
    signed_in(page, make_user(Role.LEADER, username="lead"))
    page.set_viewport_size(PHONE)
    page.goto(reverse("home"))
    people_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="People")
    menu = page.get_by_role("button", name="Menu")
    expect(people_link).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(people_link).to_be_visible()
    screenshot(page, "phone-menu-open")
    people_link.click()
    expect(page.get_by_role("heading", level=1, name="People")).to_be_visible()


def test_on_a_wide_screen_the_navigation_shows_without_a_menu_button(page, signed_in):
    signed_in(page, make_user(Role.LEADER, username="lead"))
    page.goto(reverse("home"))
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="People")
    ).to_be_visible()
