"""HTML mail, made harmless: sanitized with nh3 for display and turned into plain text.

Scripts, styles, event handlers and `javascript:`/`data:` links never survive `sanitize`;
`html_to_text` starts from the sanitized HTML, so what becomes a ticket's text is only
what a reader would have seen. Nothing here fetches or executes anything.
"""

from __future__ import annotations

from html.parser import HTMLParser

import nh3

from hatrack.servicedesk.mail.text import printable

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "span", "strong", "table", "tbody", "td", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan"}, "th": {"colspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
BLOCK_TAGS = {
    "blockquote", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "p", "pre",
    "table", "tr",
}  # fmt: skip


def sanitize(html: str) -> str:
    """HTML that is safe to show: a small allow-list of tags, links only to http(s) and
    mailto (opened with rel="noopener noreferrer"), no scripts, styles or handlers."""
    return nh3.clean(
        printable(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


class _TextWriter(HTMLParser):
    """Collects text, breaking lines at block elements and writing links as 'text (url)'."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.href: str = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "a":
            self.href = dict(attrs).get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.href:
            if not self.href.startswith("mailto:"):
                self.parts.append(f" ({self.href})")
            self.href = ""
        if tag in BLOCK_TAGS:
            self.parts.append("\n")
        if tag in {"td", "th"}:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        # Runs of whitespace are one space in HTML, but a space between words is kept.
        text = " ".join(data.split())
        if data[:1].isspace():
            text = " " + text
        if data[-1:].isspace() and text.strip():
            text += " "
        self.parts.append(text)


def html_to_text(html: str) -> str:
    """The readable text of an HTML message (sanitized first), with paragraph breaks."""
    writer = _TextWriter()
    writer.feed(sanitize(html))
    writer.close()
    lines = [" ".join(line.split()) for line in "".join(writer.parts).split("\n")]
    text, blank = [], False
    for line in lines:
        if line or not blank:
            text.append(line)
        blank = not line
    return printable("\n".join(text).strip())
