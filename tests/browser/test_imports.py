"""The leader's OneRoster journey in the browser: upload an export, watch it queue, see
what the background task imported."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

import hatrack.directory.tests
from hatrack.conftest import make_user
from hatrack.core.models import ImportRun
from hatrack.core.roles import Role
from hatrack.directory.models import Person
from hatrack.directory.tasks import run_oneroster_import

pytestmark = pytest.mark.browser

VALID_ZIP = Path(hatrack.directory.tests.__file__).parent / "data" / "oneroster" / "valid.zip"


def test_leader_uploads_a_oneroster_export_and_sees_what_was_imported(
    page, signed_in, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    signed_in(page, make_user(Role.LEADER, username="lead"))
    page.goto(reverse("directory:import_create"))
    page.get_by_label("OneRoster export").set_input_files(VALID_ZIP)
    page.get_by_role("button", name="Upload and import").click()

    expect(page).to_have_url(re.compile(r"/directory/imports/\d+/$"))
    expect(page.locator("#import-progress")).to_contain_text("Queued")
    screenshot(page, "import-queued")
    detail_url = page.url

    # The worker's part, in this thread while the page is elsewhere: the in-memory test
    # database has one connection, which the live server would otherwise share mid-import.
    page.goto("about:blank")
    run = ImportRun.objects.get()
    run_oneroster_import.call(run.pk)

    page.goto(detail_url)
    progress = page.locator("#import-progress")
    expect(progress.get_by_text("Imported", exact=True)).to_be_visible()
    people = progress.get_by_role("row", name=re.compile(r"^People"))
    created = Person.objects.count()
    assert created > 0
    expect(people.get_by_role("cell").first).to_have_text(str(created))
    screenshot(page, "import-done")
