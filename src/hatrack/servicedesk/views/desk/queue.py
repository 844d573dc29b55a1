"""The queue: every ticket the user may see, filtered by any field, in keyset pages,
redrawn live (htmx polls `queue_changes`, which answers 204 while nothing changed)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse

from hatrack.core.lists import count_label, query_without_cursor
from hatrack.core.permissions import can, requires
from hatrack.servicedesk import queries
from hatrack.servicedesk.forms.desk import BulkForm, QueueFilterForm, SavedViewForm
from hatrack.servicedesk.models import SavedView
from hatrack.servicedesk.views.desk.common import acting_user, redirect_to, render_list

TEMPLATE = "servicedesk/desk_queue.html"
PAGE_KEYS = ("after", "before", "since")


def _same_filters(query: QueryDict, filters: dict[str, str]) -> bool:
    chosen = {k: v for k, v in query.items() if v and k not in PAGE_KEYS}
    return chosen == filters


def view_links(request: HttpRequest) -> list[dict[str, Any]]:
    """The built-in and saved views as links, the one showing marked current."""
    user = acting_user(request)
    views: list[tuple[str, dict[str, str], SavedView | None]] = [
        (name, filters, None) for name, filters in queries.builtin_views(user)
    ]
    views += [(v.name, v.filters, v) for v in queries.saved_views_for(user)]
    base = reverse("servicedesk:queue")
    return [
        {
            "name": name,
            "url": f"{base}?{urlencode(filters)}",
            "current": _same_filters(request.GET, filters),
            "saved": saved,
        }
        for name, filters, saved in views
    ]


def _context(request: HttpRequest, form: QueueFilterForm) -> dict[str, Any]:
    user = acting_user(request)
    filters = form.filters()
    page = queries.ticket_queue_page(
        user, filters, after=request.GET.get("after"), before=request.GET.get("before")
    )
    page_query = request.GET.copy()
    page_query.pop("since", None)
    rows_query = queries.filter_tickets(queries.tickets_visible_to(user), filters, user)
    return {
        "form": form,
        "page": page,
        "rows": page.rows,
        "count": count_label(rows_query),
        "filtered": form.active(),
        "query": query_without_cursor(request.GET),
        "page_query": page_query.urlencode(),
        "marker": queries.queue_marker(user),
        "can_work": can(user, "servicedesk.work"),
    }


@requires("servicedesk.view")
def queue(request: HttpRequest) -> HttpResponse:
    """The queue page (or its results, for htmx). A search that is just a reference a
    ticket the user may see carries opens that ticket."""
    user = acting_user(request)
    choices = queries.desk_choices()
    form = QueueFilterForm(request.GET or None, choices=choices)
    number = queries.reference_number(form.filters().get("q") or "")
    if number is not None and queries.ticket_number_visible(user, number):
        return redirect_to(request, reverse("servicedesk:ticket_detail", args=[number]))
    context = _context(request, form)
    if not getattr(request, "htmx", False):
        context["views"] = view_links(request)
        context["save_form"] = SavedViewForm(initial={"query": context["query"]})
        context["bulk_form"] = BulkForm(workers=choices["assignee"])
    selects = form.selects()
    context["main_selects"], context["more_selects"] = selects[:5], selects[5:]
    return render_list(request, TEMPLATE, context)


@requires("servicedesk.view")
def queue_changes(request: HttpRequest) -> HttpResponse:
    """The live check: 204 while no ticket the user may see has changed since the table
    was drawn (one indexed query), else the table redrawn with the same filters."""
    user = acting_user(request)
    if request.GET.get("since") == queries.queue_marker(user):
        return HttpResponse(status=204)
    form = QueueFilterForm(request.GET or None, choices=queries.desk_choices())
    return render_list_partial(request, _context(request, form))


def render_list_partial(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    from django.shortcuts import render

    return render(request, f"{TEMPLATE}#results", context)
