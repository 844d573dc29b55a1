"""The browser harness: Debian's Chromium driven by Playwright against a live server.

One browser for the whole session, a fresh context (cookies, storage) per test. Every
page a test opens is watched: a console error (a failed script, a missing file, a
Content-Security-Policy violation), an uncaught exception or a request to any origin
other than the live server fails the test. Each journey saves a screenshot under
`test-artifacts/browser/` for a person to look at.

Playwright's sync API runs an event loop in this thread, and Django refuses database
calls while one is running; the tests only touch the database between page actions,
never concurrently with them, so that guard is switched off here and only here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

from hatrack.accounts.models import User
from hatrack.conftest import PASSWORD
from hatrack.directory.models import Grade, Person, Site
from hatrack.directory.tests import factories

CHROMIUM = os.environ.get("HATRACK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
# Schemes that never leave the page (inline images, blobs); anything else is a request.
LOCAL_SCHEMES = {"data", "blob", "about"}


@dataclass
class PageWatch:
    """What went wrong on a page: console errors, script exceptions, foreign requests."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    expected_refusals: set[tuple[str, int]] = field(default_factory=set)

    def expect_refusal(self, url: str, status: int) -> None:
        """A test that opens a forbidden page on purpose: Chromium logs the refused load
        of that one address as a console error, which is expected there and only there."""
        self.expected_refusals.add((url, status))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = str(message.location.get("url"))
        for expected_url, status in self.expected_refusals:
            if url == expected_url and f"status of {status} " in message.text:
                return
        self.console_errors.append(f"{message.text} (at {url})")

    def on_page_error(self, error: Exception) -> None:
        self.page_errors.append(str(error))

    def is_foreign(self, url: str) -> bool:
        parts = urlsplit(url)
        return (
            parts.scheme not in LOCAL_SCHEMES and f"{parts.scheme}://{parts.netloc}" != self.origin
        )

    def on_request(self, request: Request) -> None:
        if self.is_foreign(request.url):
            self.foreign_requests.append(request.url)

    def problems(self) -> list[str]:
        return [
            *(f"console error: {text}" for text in self.console_errors),
            *(f"script error: {text}" for text in self.page_errors),
            *(f"request to another origin: {url}" for url in self.foreign_requests),
        ]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """The journeys sign in through the real form; the hash's cost is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Each journey starts with an empty cache: the district's name and the dashboard's
    numbers are cached in process memory, and the database is emptied between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    # See the module docstring. Django reads this on every database call; it is set only
    # while Playwright's loop runs, so a plain `uv run pytest` keeps Django's guard.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def watch(live_server) -> PageWatch:
    parts = urlsplit(live_server.url)
    return PageWatch(origin=f"{parts.scheme}://{parts.netloc}")


@pytest.fixture
def page(browser: Browser, live_server, watch: PageWatch) -> Iterator[Page]:
    """A fresh page at the live server; the test fails on anything `PageWatch` records."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 860}, locale="en-US"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    context.on("request", watch.on_request)
    # Recorded above, then stopped here: a test run never reaches the network.
    context.route(watch.is_foreign, lambda route: route.abort())
    yield page
    context.close()
    problems = watch.problems()
    assert not problems, "The browser saw problems:\n" + "\n".join(problems)


@pytest.fixture
def screenshot(request) -> Callable[[Page, str], Path]:
    """Save the whole page as test-artifacts/browser/<name>.png for a person to review."""

    def save(page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def sign_in() -> Callable[[Page, str, str], None]:
    """Sign in through the real form, as a person would: `sign_in(page, username)`."""

    def submit(page: Page, username: str, password: str = PASSWORD) -> None:
        page.goto(reverse("accounts:login"))
        page.get_by_label("Username or email").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    return submit


@pytest.fixture
def signed_in(live_server, client_for) -> Callable[[Page, User], None]:
    """Give a page the session cookie of a user, skipping the form (for journeys that
    are not about signing in)."""

    def attach(page: Page, user: User) -> None:
        client = client_for(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return attach


@pytest.fixture
def district_data(db) -> dict[str, Any]:
    """A small district shaped like the demo: a high school, an elementary school and the
    district office, with students and staff at each."""
    district = factories.make_district(name="Maple Valley Unified")
    lincoln = factories.make_site(name="Lincoln High School", code="LHS", kind=Site.Kind.HIGH)
    cedar = factories.make_site(
        name="Cedar Elementary School", code="CES", kind=Site.Kind.ELEMENTARY
    )
    office = factories.make_site(name="District Office", code="DO", kind=Site.Kind.OFFICE)
    technology = factories.make_department(name="Technology", code="TECH", site=office)
    people = {
        "marisol": factories.make_person(
            given_name="Marisol",
            family_name="Ortega",
            role=Person.Role.TEACHER,
            email="mortega@maplevalley.example.org",
            primary_site=lincoln,
        ),
        "devon": factories.make_person(
            given_name="Devon",
            family_name="Achterberg",
            role=Person.Role.STUDENT,
            grade=Grade.G10,
            primary_site=lincoln,
        ),
        "amara": factories.make_person(
            given_name="Amara",
            family_name="Okafor",
            role=Person.Role.STUDENT,
            grade=Grade.G03,
            primary_site=cedar,
        ),
        "noah": factories.make_person(
            given_name="Noah",
            family_name="Lindqvist",
            role=Person.Role.TEACHER,
            primary_site=cedar,
        ),
        "priya": factories.make_person(
            given_name="Priya",
            family_name="Raman",
            role=Person.Role.STAFF,
            primary_site=office,
            department=technology,
        ),
    }
    return {"district": district, "sites": (lincoln, cedar, office), "people": people}
