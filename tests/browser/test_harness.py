"""The harness itself: the failures it promises to catch are really caught.

Each test provokes one problem on purpose, checks the watch recorded it, then clears
the record so the page fixture's own check passes.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser


def test_the_watch_records_a_request_to_another_origin(page, watch):
    page.goto(reverse("accounts:login"))
    page.evaluate(
        "() => { const img = new Image(); img.src = 'http://elsewhere.invalid/pixel.png';"
        " document.body.append(img); }"
    )
    page.wait_for_timeout(200)
    assert "http://elsewhere.invalid/pixel.png" in watch.foreign_requests
    watch.foreign_requests.clear()
    watch.console_errors.clear()


def test_the_watch_records_an_inline_script_refused_by_the_content_security_policy(page, watch):
    page.goto(reverse("accounts:login"))
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        " document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert any("Content Security Policy" in text for text in watch.console_errors)
    watch.console_errors.clear()


def test_the_watch_records_an_uncaught_script_error(page, watch):
    page.goto(reverse("accounts:login"))
    page.evaluate("() => { setTimeout(() => { throw new Error('boom'); }, 0); }")
    page.wait_for_timeout(200)
    assert any("boom" in text for text in watch.page_errors)
    watch.page_errors.clear()
