"""Server-rendered SVG charts (pygal), embedded as images so the strict CSP holds.

pygal draws with a `<style>` element and adds a `<script>` for its tooltips. Inline in
the page, the policy `style-src 'self'` would block that style (and `|safe` would be
needed to print the markup). As an `<img>` the SVG is a document of its own: it never
runs scripts and its styles are its own, so the page keeps its policy unchanged. The
scripts are removed anyway, and the image goes in a `data:` URI (the policy allows
`img-src data:`), so the chart costs no second request and the same SVG can go into
a PDF report as is.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree

import pygal
from pygal.style import Style

SVG_NS = "http://www.w3.org/2000/svg"

# The house colours (static/hatrack/css/base.css), so charts match the pages.
HOUSE_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b2430",
    foreground_strong="#1b2430",
    foreground_subtle="#d5dbe3",
    opacity="1",
    opacity_hover="1",
    colors=("#1f4e79", "#f4b942", "#1e6b3a", "#a4262c", "#4f5b69"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=12,
    title_font_size=16,
)


def _without_scripts(svg: str) -> bytes:
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own pygal output, not user input)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}script", "script"):
                parent.remove(child)
    return bytes(ElementTree.tostring(root, encoding="utf-8"))


def nice_ticks(top: int, most: int = 8) -> list[int]:
    """Whole-number axis ticks from 0 to at least `top`: steps of 1, 2 or 5 times 10^n."""
    magnitude = 1
    while True:
        for multiple in (1, 2, 5):
            step = multiple * magnitude
            if max(top, 1) <= step * most:
                return list(range(0, max(top, 1) + step, step))
        magnitude *= 10


def stacked_bars(
    *, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], title: str = ""
) -> bytes:
    """A horizontal stacked bar chart (one bar per label, the first at the top) as
    standalone SVG bytes."""
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    chart = pygal.HorizontalStackedBar(
        style=HOUSE_STYLE,
        js=[],
        disable_xml_declaration=True,
        width=900,
        height=max(220, 70 + 34 * len(labels)),
        legend_at_bottom=True,
        legend_at_bottom_columns=len(series),
        print_values=False,
        show_y_guides=False,
        truncate_label=40,
        title=title or None,
        value_formatter=lambda v: f"{v:,.0f}",
    )
    # pygal stacks the first label at the bottom; reversed, the list reads top-down.
    chart.x_labels = list(reversed(labels))
    chart.y_labels = nice_ticks(max(totals, default=0))
    for name, values in series:
        chart.add(name, list(reversed(values)))
    return _without_scripts(chart.render(is_unicode=True))


def data_uri(svg: bytes) -> str:
    """The SVG as a `data:` URI for an `<img src>`."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def chart_image(chart: Any) -> str:
    """A pygal chart drawn, without its scripts, as a `data:` URI for an `<img src>`."""
    return data_uri(_without_scripts(chart.render(is_unicode=True)))
