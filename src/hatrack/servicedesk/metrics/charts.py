"""The metrics page's charts: pygal SVG in the house style, embedded as `data:` images.

Drawn the way the workspace draws its charts (see `hatrack.workspace.charts`: scripts
stripped, shown through `<img>`, so the strict Content-Security-Policy holds and the
same SVG can go into a PDF). Every chart on the page sits beside a table of the same
numbers, which is what screen readers and printouts rely on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pygal

from hatrack.workspace.charts import HOUSE_STYLE, chart_image, nice_ticks

# Long breakdowns (a hundred categories) show their largest rows; the table has them all.
MOST_BARS = 15


def _render(chart: Any) -> str:
    return chart_image(chart)


def weekly_bars(weeks: Sequence[dict[str, Any]], title: str) -> str:
    """Tickets opened per week as vertical bars, labelled every few weeks."""
    counts = [w["opened"] for w in weeks]
    chart = pygal.Bar(
        style=HOUSE_STYLE,
        js=[],
        disable_xml_declaration=True,
        width=900,
        height=320,
        show_legend=False,
        title=title,
        x_label_rotation=30,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, len(weeks) // 12),
        truncate_label=-1,
        value_formatter=lambda v: f"{v:,.0f}",
    )
    chart.x_labels = [f"{w['week']:%b %-d}" for w in weeks]
    chart.y_labels = nice_ticks(max(counts, default=0))
    chart.add("Tickets opened", counts)
    return _render(chart)


def horizontal_bars(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], title: str
) -> str:
    """One bar per label (the first at the top), one colour per series; at most
    MOST_BARS labels."""
    labels = list(labels)[:MOST_BARS]
    chart = pygal.HorizontalBar(
        style=HOUSE_STYLE,
        js=[],
        disable_xml_declaration=True,
        width=900,
        height=max(200, 80 + 30 * len(labels) * max(1, len(series))),
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        title=title,
        truncate_label=40,
        value_formatter=lambda v: f"{v:,.0f}",
    )
    chart.x_labels = list(reversed(labels))
    top = max((v for _, values in series for v in values[: len(labels)]), default=0)
    chart.y_labels = nice_ticks(top)
    for name, values in series:
        chart.add(name, list(reversed(list(values)[: len(labels)])))
    return _render(chart)


def column_bars(labels: Sequence[str], values: Sequence[int], title: str) -> str:
    """A short row of vertical bars (backlog age, satisfaction scores)."""
    chart = pygal.Bar(
        style=HOUSE_STYLE,
        js=[],
        disable_xml_declaration=True,
        width=600,
        height=300,
        show_legend=False,
        title=title,
        value_formatter=lambda v: f"{v:,.0f}",
    )
    chart.x_labels = list(labels)
    chart.y_labels = nice_ticks(max(values, default=0))
    chart.add(title, list(values))
    return _render(chart)


def draw(figures: dict[str, Any]) -> dict[str, str]:
    """Every chart of the page, as image URIs, from `figures.compute`'s values."""
    charts = {"weekly": weekly_bars(figures["weekly"], "Tickets opened per week")}
    for key, title in (
        ("categories", "Tickets by category"),
        ("sites", "Tickets by site"),
        ("channels", "Tickets by channel"),
    ):
        rows = figures[key]
        if rows:
            charts[key] = horizontal_bars(
                [r["label"] for r in rows], [("Tickets", [r["tickets"] for r in rows])], title
            )
    backlog = figures["backlog"]
    charts["backlog"] = column_bars(
        [r["label"] for r in backlog], [r["tickets"] for r in backlog], "Open tickets by age"
    )
    if figures["workload"]:
        rows = figures["workload"]
        charts["workload"] = horizontal_bars(
            [r["label"] for r in rows],
            [("Open now", [r["open"] for r in rows]), ("Resolved", [r["resolved"] for r in rows])],
            "Workload per technician",
        )
    scores = figures["satisfaction"]["distribution"]
    if figures["satisfaction"]["rated"]:
        charts["satisfaction"] = column_bars(
            [r["label"] for r in scores], [r["ratings"] for r in scores], "Ratings by score"
        )
    return charts
