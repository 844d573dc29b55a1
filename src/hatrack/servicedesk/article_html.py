"""The one place knowledge base HTML is put on a page unescaped.

An article's `body_html` is produced only by `services.knowledge.render_markdown`:
Markdown rendered with raw HTML disabled, then sanitized by nh3 against a short
allow-list of tags, attributes and URL schemes. That is what makes it safe to mark
here; nothing else may be passed in. (Listed in tests/test_architecture.py's
SAFE_ALLOWLIST with this reason.)
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from hatrack.servicedesk.models import Article
from hatrack.servicedesk.services.knowledge import render_markdown


def article_body(article: Article) -> SafeString:
    """The article's stored, sanitized HTML, ready for the template."""
    return mark_safe(article.body_html)  # noqa: S308 - sanitized by nh3 on every save


def preview_body(markdown: str) -> SafeString:
    """A draft's text rendered and sanitized exactly as saving would, for the preview."""
    return mark_safe(render_markdown(markdown))  # noqa: S308 - sanitized by nh3 just now
