"""The leader view's charts: pygal SVG in the house style, as `data:` images.

Drawn as the lifecycle and metrics pages draw theirs (`hatrack.workspace.charts`:
scripts stripped, shown through `<img>`, so the strict Content-Security-Policy holds and
the same SVG can go into a PDF). Each chart sits beside a table of the same numbers.
"""

from __future__ import annotations

from typing import Any

import pygal

from hatrack.workspace.charts import HOUSE_STYLE, chart_image, nice_ticks


def _options(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "style": HOUSE_STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "title": title,
        "legend_at_bottom": True,
        "width": 900,
        "height": 340,
        "x_label_rotation": 20,
        **extra,
    }


def uptime_chart(labels: list[str], series: list[tuple[str, list[float | None]]]) -> str:
    """Monthly uptime lines (percent), a gap where a month is not known."""
    known = [v for _, values in series for v in values if v is not None]
    floor = min([*known, 99.0])
    chart = pygal.Line(
        **_options("Uptime by month (%)"),
        range=(max(0.0, floor - 0.5), 100),
        value_formatter=lambda v: f"{v:.2f}%",
        allow_interruptions=True,
    )
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    return chart_image(chart)


def incidents_chart(labels: list[str], counts: list[int]) -> str:
    """Incidents started per month, one column each."""
    chart = pygal.Bar(
        **_options("Incidents by month"), show_legend=False, value_formatter=lambda v: f"{v:,.0f}"
    )
    chart.x_labels = labels
    chart.y_labels = nice_ticks(max(counts, default=0))
    chart.add("Incidents", counts)
    return chart_image(chart)


def draw(figures: dict[str, Any]) -> dict[str, str]:
    """Every chart of the page, as image URIs, from `insights.compute`'s figures."""
    labels = [m["label"] for m in figures["months"]]
    charts = {}
    series = []
    if any(v is not None for v in figures["tier_one_uptime"]):
        series.append(("Tier 1 systems (average)", figures["tier_one_uptime"]))
    if any(v is not None for v in figures["all_uptime"]):
        series.append(("All systems (average)", figures["all_uptime"]))
    if series:
        charts["uptime"] = uptime_chart(labels, series)
    counts = [m["incidents"] for m in figures["per_month"]]
    if any(counts):
        charts["incidents"] = incidents_chart(labels, counts)
    return charts
