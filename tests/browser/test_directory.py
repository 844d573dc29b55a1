"""The leader's main journey through the district model: people, sites and search."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role

pytestmark = pytest.mark.browser


@pytest.fixture
def leader_page(page, signed_in, district_data):
    signed_in(page, make_user(Role.LEADER, username="lead"))
    return page


def people_rows(page):
    return page.locator("#results tbody tr")


def test_leader_filters_people_by_site(leader_page, screenshot):
    page = leader_page
    page.goto(reverse("directory:person_list"))
    expect(people_rows(page)).to_have_count(5)
    page.get_by_label("Site", exact=True).select_option(label="Cedar Elementary School")
    expect(people_rows(page)).to_have_count(2)
    expect(page.locator("#results")).to_contain_text("Okafor")
    expect(page.locator("#results")).to_contain_text("Lindqvist")
    expect(page.locator("#results")).not_to_contain_text("Ortega")
    expect(page).to_have_url(re.compile(r"[?&]site=\d+"))
    screenshot(page, "people-filtered-by-site")


def test_leader_finds_a_person_by_name_and_opens_their_page(leader_page, screenshot):
    page = leader_page
    page.goto(reverse("directory:person_list"))
    page.get_by_label("Search", exact=True).fill("orte")
    page.get_by_role("button", name="Apply").click()
    expect(people_rows(page)).to_have_count(1)
    page.get_by_role("link", name="Ortega, Marisol").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Marisol Ortega")
    expect(page.get_by_text("mortega@maplevalley.example.org")).to_be_visible()
    expect(page.get_by_text("Lincoln High School").first).to_be_visible()
    screenshot(page, "person-detail")


def test_leader_opens_a_site_from_the_site_list(leader_page, screenshot):
    page = leader_page
    page.goto(reverse("home"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sites").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sites")
    expect(page.locator("#results tbody tr")).to_have_count(3)
    screenshot(page, "site-list")
    page.get_by_role("link", name="Lincoln High School").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lincoln High School")
    expect(page.get_by_text("LHS", exact=True)).to_be_visible()
    screenshot(page, "site-detail")


def test_leader_searches_people_and_sites_from_the_top_bar(leader_page, screenshot):
    page = leader_page
    page.goto(reverse("directory:site_list"))
    search = page.get_by_role("search").get_by_label("Search people and sites")
    search.fill("lin")
    search.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(reverse("search")) + r"\?q=lin"))
    main = page.locator("main")
    expect(main.get_by_role("link", name="Lincoln High School")).to_be_visible()
    expect(main.get_by_role("link", name="Noah Lindqvist")).to_be_visible()
    screenshot(page, "search-results")
    main.get_by_role("link", name="Noah Lindqvist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Noah Lindqvist")


def test_viewer_reads_people_and_sites_without_being_offered_changes(
    page, signed_in, screenshot, district_data
):
    signed_in(page, make_user(Role.VIEWER, username="board"))
    page.goto(reverse("directory:person_list"))
    expect(people_rows(page)).to_have_count(5)
    expect(page.get_by_role("link", name="Add a person")).to_have_count(0)
    page.get_by_role("link", name="Raman, Priya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Priya Raman")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("button", name="Deactivate")).to_have_count(0)
    screenshot(page, "person-detail-viewer")
