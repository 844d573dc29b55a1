"""The leader's metrics page and its CSV exports (leaders and viewers)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from hatrack.core.lists import csv_response
from hatrack.core.permissions import requires
from hatrack.servicedesk.forms.metrics import MetricsFilterForm
from hatrack.servicedesk.metrics.figures import Scope
from hatrack.servicedesk.metrics.period import district_zone
from hatrack.servicedesk.metrics.report import CACHE_SECONDS, metrics_for


def duration_text(value: datetime.timedelta | None) -> str:
    """'45 min', '3 h 12 min', '2 d 4 h'; an em dash when there is nothing to measure."""
    if value is None:
        return "—"
    minutes = round(value.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def _hours(value: datetime.timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 3600:.2f}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _summary_cards(head: dict[str, Any], figures: dict[str, Any]) -> list[dict[str, str]]:
    rating = figures["satisfaction"]
    return [
        {"label": "tickets opened", "value": f"{head['total']:,}"},
        {"label": "resolved", "value": f"{head['resolved']:,}"},
        {
            "label": "first response, median",
            "value": duration_text(head["first_response"]["median"]),
        },
        {"label": "resolution, median", "value": duration_text(head["resolution"]["median"])},
        {"label": "first responses on time", "value": _percent(head["response_attainment"])},
        {"label": "resolved on time", "value": _percent(head["resolution_attainment"])},
        {
            "label": "average rating (of 5)",
            "value": "—" if rating["average"] is None else f"{rating['average']:.2f}",
        },
        {"label": "questions answered by articles", "value": f"{figures['deflections']:,}"},
    ]


def _times(head: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    for key, label in (("first_response", "First response"), ("resolution", "Resolution")):
        rows.append(
            {
                "label": label,
                "median": duration_text(head[key]["median"]),
                "p90": duration_text(head[key]["p90"]),
            }
        )
    return rows


def _scope(request: HttpRequest) -> tuple[MetricsFilterForm, Scope | None]:
    form = MetricsFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, form.scope(district_zone())


def _query_string(request: HttpRequest) -> str:
    kept = request.GET.copy()
    kept.pop("refresh", None)
    kept.pop("part", None)
    return kept.urlencode()


@requires("servicedesk.metrics")
def metrics_page(request: HttpRequest) -> HttpResponse:
    """The figures for the chosen period, queue and site, with charts and tables."""
    form, scope = _scope(request)
    context: dict[str, Any] = {"form": form, "query": _query_string(request)}
    if scope is not None:
        report = metrics_for(scope, fresh=request.GET.get("refresh") == "1")
        figures = report["figures"]
        context.update(
            period=scope.period,
            figures=figures,
            charts=report["charts"],
            computed_at=report["computed_at"],
            cache_seconds=CACHE_SECONDS,
            cards=_summary_cards(figures["summary"], figures),
            times=_times(figures["summary"]),
            empty=figures["summary"]["total"] == 0
            and not any(row["tickets"] for row in figures["backlog"]),
        )
    return render(request, "servicedesk/metrics.html", context)


# --- CSV exports ------------------------------------------------------------------------

Rows = Callable[[dict[str, Any]], Iterable[Sequence[Any]]]


def _summary_rows(figures: dict[str, Any]) -> Iterable[Sequence[Any]]:
    head = figures["summary"]
    rating = figures["satisfaction"]
    yield ("Tickets opened", head["total"])
    yield ("Tickets resolved", head["resolved"])
    for key, label in (("first_response", "First response"), ("resolution", "Resolution")):
        yield (f"{label} median (hours)", _hours(head[key]["median"]))
        yield (f"{label} 90th percentile (hours)", _hours(head[key]["p90"]))
    yield ("First responses on time (%)", head["response_attainment"])
    yield ("Resolved on time (%)", head["resolution_attainment"])
    yield ("Average rating", rating["average"])
    yield ("Ratings", rating["rated"])
    yield ("Rating response rate (%)", rating["response_rate"])
    yield ("Questions answered by articles", figures["deflections"])


EXPORTS: dict[str, tuple[Sequence[str], Rows]] = {
    "summary": (("Figure", "Value"), _summary_rows),
    "weekly": (
        ("Week starting", "Tickets opened"),
        lambda f: ((w["week"].isoformat(), w["opened"]) for w in f["weekly"]),
    ),
    "categories": (
        ("Category", "Tickets"),
        lambda f: ((r["label"], r["tickets"]) for r in f["categories"]),
    ),
    "sites": (("Site", "Tickets"), lambda f: ((r["label"], r["tickets"]) for r in f["sites"])),
    "channels": (
        ("Channel", "Tickets"),
        lambda f: ((r["label"], r["tickets"]) for r in f["channels"]),
    ),
    "backlog": (
        ("Open for", "Open tickets now"),
        lambda f: ((r["label"], r["tickets"]) for r in f["backlog"]),
    ),
    "workload": (
        ("Technician", "Open tickets now", "Resolved (opened in the period)"),
        lambda f: ((r["label"], r["open"], r["resolved"]) for r in f["workload"]),
    ),
    "satisfaction": (
        ("Score", "Ratings"),
        lambda f: ((r["label"], r["ratings"]) for r in f["satisfaction"]["distribution"]),
    ),
}


@requires("servicedesk.metrics")
def metrics_csv(request: HttpRequest) -> StreamingHttpResponse:
    """One table of the page as CSV (`part`: summary, weekly, categories, sites,
    channels, backlog, workload, satisfaction), for the same filters."""
    part = request.GET.get("part", "weekly")
    if part not in EXPORTS:
        raise BadRequest("Choose one of the metrics tables to export.")
    _, scope = _scope(request)
    if scope is None:
        raise BadRequest("The period or filters are not valid; correct them on the page.")
    figures = metrics_for(scope, with_charts=False)["figures"]
    header, rows = EXPORTS[part]
    period = scope.period
    filename = f"servicedesk-{part}-{period.first.isoformat()}-to-{period.last.isoformat()}.csv"
    return csv_response(filename, header, rows(figures))
