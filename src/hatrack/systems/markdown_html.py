"""The one place the systems hat puts stored HTML on a page unescaped.

A system's `runbook_html` and `continuity_html` (and an incident's review HTML) are
produced only by `hatrack.servicedesk.services.knowledge.render_markdown`: Markdown
rendered with raw HTML disabled, then sanitized by nh3 against a short allow-list of
tags, attributes and URL schemes, in the service that saves them. That is what makes it
safe to mark here; nothing else may be passed in. (Listed in tests/test_architecture.py's
SAFE_ALLOWLIST with this reason.)
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from hatrack.systems.models import System


def runbook_html(system: System) -> SafeString:
    """The system's stored, sanitized runbook HTML, ready for the template."""
    return mark_safe(system.runbook_html)  # noqa: S308 - sanitized by nh3 on every save


def continuity_html(system: System) -> SafeString:
    """The system's stored, sanitized continuity plan HTML, ready for the template."""
    return mark_safe(system.continuity_html)  # noqa: S308 - sanitized by nh3 on every save


def stored_html(html: str) -> SafeString:
    """Any other `*_html` field the systems services rendered with render_markdown (an
    incident's post-incident review); never text from anywhere else."""
    return mark_safe(html)  # noqa: S308 - only render_markdown output is stored in *_html
