"""The lifecycle page's charts: pygal SVG in the house style, as `data:` images.

Drawn as the service desk's metrics draw theirs (`hatrack.workspace.charts`: scripts
stripped, shown through `<img>`, so the strict Content-Security-Policy holds and the
same SVG can go into a PDF). Each chart sits beside a table of the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pygal

from hatrack.workspace.charts import HOUSE_STYLE, chart_image, nice_ticks

MOST_BARS = 15
Series = Sequence[tuple[str, Sequence[float]]]


def _whole(value: float) -> str:
    return f"{value:,.0f}"


def _render(chart: Any) -> str:
    return chart_image(chart)


def _options(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "style": HOUSE_STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "title": title,
        "legend_at_bottom": True,
        "truncate_label": 40,
        **extra,
    }


def rows_chart(
    labels: Sequence[str],
    series: Series,
    title: str,
    *,
    stacked: bool = False,
    formatter: Callable[[float], str] = _whole,
    ticks: bool = True,
) -> str:
    """One horizontal bar per label (the first at the top, at most MOST_BARS)."""
    labels = list(labels)[:MOST_BARS]
    kind = pygal.HorizontalStackedBar if stacked else pygal.HorizontalBar
    bars = 1 if stacked else max(1, len(series))
    chart = kind(
        **_options(title, width=900, height=max(220, 90 + 28 * len(labels) * bars)),
        show_legend=len(series) > 1,
        value_formatter=formatter,
    )
    chart.x_labels = list(reversed(labels))
    if ticks:
        tops = [
            sum(v[i] for _, v in series) if stacked else max(v[i] for _, v in series)
            for i in range(len(labels))
        ]
        chart.y_labels = nice_ticks(int(max(tops, default=0)))
    for name, values in series:
        chart.add(name, list(reversed(list(values)[: len(labels)])))
    return _render(chart)


def columns_chart(
    labels: Sequence[str],
    series: Series,
    title: str,
    *,
    stacked: bool = False,
    formatter: Callable[[float], str] = _whole,
    width: int = 900,
) -> str:
    """Vertical bars, one group (or stack) per label, in order."""
    kind = pygal.StackedBar if stacked else pygal.Bar
    chart = kind(
        **_options(title, width=width, height=340 if width > 700 else 300),
        show_legend=len(series) > 1,
        value_formatter=formatter,
        x_label_rotation=20 if len(labels) > 6 else 0,
    )
    chart.x_labels = list(labels)
    if formatter is _whole:  # whole numbers: a few round ticks, not one per unit
        tops = [
            sum(v[i] for _, v in series) if stacked else max(v[i] for _, v in series)
            for i in range(len(labels))
        ]
        chart.y_labels = nice_ticks(int(max(tops, default=0)))
    for name, values in series:
        chart.add(name, list(values))
    return _render(chart)


def _dollars(value: float) -> str:
    return f"${value:,.0f}"


def draw(figures: dict[str, Any]) -> dict[str, str]:
    """Every chart of the page, as image URIs, from `lifecycle.compute`'s figures."""
    models, charts = figures["models"], {}
    statuses = [row for row in figures["statuses"] if row["devices"]]
    if statuses:
        charts["statuses"] = rows_chart(
            [r["label"] for r in statuses],
            [("Devices", [r["devices"] for r in statuses])],
            "Devices by status",
        )
    fleet = [m for m in models if m.in_fleet]
    if fleet:
        charts["models"] = rows_chart(
            [m.label for m in fleet],
            [("In the fleet", [m.in_fleet for m in fleet])],
            "Devices in the fleet by model",
        )
        charts["ages"] = columns_chart(
            [r["label"] for r in figures["ages"]],
            [("Devices", [r["devices"] for r in figures["ages"]])],
            "Devices in the fleet by years since purchase",
            width=640,
        )
    if figures["sites"]:
        sites = figures["sites"]
        charts["sites"] = rows_chart(
            [r["label"] for r in sites],
            [
                ("Deployed or on loan", [r["deployed"] for r in sites]),
                ("In stock", [r["in_stock"] for r in sites]),
                ("In repair", [r["in_repair"] for r in sites]),
            ],
            "Devices in the fleet by site",
            stacked=True,
        )
    if figures["expiring"]:
        rows = figures["expiring"]
        charts["expiring"] = rows_chart(
            [m.label for m in rows],
            [
                ("Past auto-update expiration", [m.aue_past for m in rows]),
                ("Expires within 12 months", [m.aue_near for m in rows]),
            ],
            "Devices past or near auto-update expiration",
            stacked=True,
        )
    if figures["repair_rates"]:
        rows = figures["repair_rates"]
        charts["repair_rates"] = rows_chart(
            [m.label for m in rows],
            [("Repairs per 100", [m.repairs_per_100 for m in rows])],
            "Repairs per 100 devices, last 12 months",
            formatter=lambda v: f"{v:.1f}",
            ticks=False,
        )
    if figures["losses"]:
        rows = figures["losses"]
        charts["losses"] = columns_chart(
            [r["label"] for r in rows],
            [("Lost", [r["lost"] for r in rows]), ("Stolen", [r["stolen"] for r in rows])],
            "Lost and stolen devices by school year",
            stacked=True,
            width=640,
        )
    forecast = figures["forecast"]
    if any(r["cost"] for r in forecast):
        charts["forecast"] = columns_chart(
            [r["label"] for r in forecast],
            [("Replacement cost", [float(r["cost"]) for r in forecast])],
            "Replacement cost by fiscal year (devices reaching end of life)",
            formatter=_dollars,
        )
    return charts
