"""The interactive API docs run in the browser from this server alone (no CDN)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role

pytestmark = pytest.mark.browser


def test_leader_reads_the_interactive_api_docs_served_by_hatrack_itself(
    page, signed_in, screenshot, district_data
):
    signed_in(page, make_user(Role.LEADER, username="lead"))
    page.goto(reverse("api:openapi-view"))
    expect(page.get_by_role("heading", name="Hatrack API")).to_be_visible()
    expect(page.get_by_text("/people").first).to_be_visible()
    screenshot(page, "api-docs")
