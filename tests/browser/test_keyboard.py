"""Keyboard use: the skip link comes first, the search field is reachable, focus shows."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role

pytestmark = pytest.mark.browser

FOCUS_STYLE = """() => {
  const style = getComputedStyle(document.activeElement);
  return {
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== 'none',
  };
}"""


def focus_is_visible(page) -> bool:
    style = page.evaluate(FOCUS_STYLE)
    return style["outline"] or style["shadow"]


def test_the_first_tab_reaches_a_visible_skip_link_that_jumps_to_the_content(
    page, signed_in, screenshot, district_data
):
    signed_in(page, make_user(Role.LEADER, username="lead"))
    page.goto(reverse("directory:person_list"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert focus_is_visible(page)
    screenshot(page, "keyboard-skip-link")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_tab_reaches_the_search_field_with_a_visible_focus(
    page, signed_in, screenshot, district_data
):
    signed_in(page, make_user(Role.LEADER, username="lead"))
    page.goto(reverse("home"))
    search = page.get_by_role("search").get_by_label("Search people and sites")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "global-search-q":
            break
    expect(search).to_be_focused()
    assert focus_is_visible(page)
    page.keyboard.type("ortega")
    page.keyboard.press("Enter")
    expect(page.locator("main").get_by_role("link", name="Marisol Ortega")).to_be_visible()
    screenshot(page, "keyboard-search")
