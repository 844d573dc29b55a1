"""What the home dashboard shows: headline numbers, people per site, the latest import."""

from typing import Any

from django.core.cache import cache

from hatrack.directory import queries as directory
from hatrack.servicedesk.models import Ticket, format_reference
from hatrack.servicedesk.queries import tickets_visible_to
from hatrack.workspace.charts import data_uri, stacked_bars

CHART_CACHE_KEY = "workspace:people-per-site-chart"
RECENT_REQUESTS = 5


def home_context() -> dict[str, Any]:
    summary = directory.directory_summary()
    district = directory.district()
    empty = not summary["site_count"] and not summary["active"] and not summary["inactive"]
    return {
        "district": district,
        "summary": summary,
        "empty": empty,
        "chart": None if empty else people_per_site_chart(summary),
        "latest_import": directory.latest_import(),
    }


def people_per_site_chart(summary: dict[str, Any]) -> dict[str, Any] | None:
    """The people-per-site chart as an image URI, with its rows for the accessible table.

    Rendered once per summary (the summary is cached for a minute), keyed by its numbers.
    """
    sites = [s for s in summary["per_site"] if s["students"] or s["staff"]]
    if not sites:
        return None
    key = (tuple((s["name"], s["students"], s["staff"]) for s in sites),)
    cached = cache.get(CHART_CACHE_KEY)
    if cached and cached[0] == key:
        chart: dict[str, Any] = cached[1]
        return chart
    svg = stacked_bars(
        labels=[s["name"] for s in sites],
        series=[
            ("Students", [s["students"] for s in sites]),
            ("Staff", [s["staff"] for s in sites]),
        ],
    )
    chart = {"uri": data_uri(svg), "rows": sites}
    cache.set(CHART_CACHE_KEY, (key, chart), 300)
    return chart


def my_recent_requests(user: Any) -> list[dict[str, Any]]:
    """The latest tickets a staff member asked for, for their home page (one query)."""
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in tickets_visible_to(user)
        .order_by("-updated_at", "-id")
        .values("id", "subject", "status", "updated_at")[:RECENT_REQUESTS]
    ]
    labels = dict(Ticket.Status.choices)
    for row in rows:
        row["reference"] = format_reference(row["id"])
        row["status_label"] = labels.get(row["status"], row["status"])
        row["done"] = row["status"] in Ticket.DONE_STATUSES
    return rows
