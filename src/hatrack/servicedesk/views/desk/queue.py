"""The queue: every ticket the user may see, filtered by any field, in keyset pages,
redrawn live (htmx polls `queue_changes`, which answers 204 while nothing changed)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

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
    rows_query = queries.queue_tickets(user, filters)
    can_work = can(user, "servicedesk.work")
    return {
        "form": form,
        "page": page,
        "rows": page.rows,
        "rows_html": format_html_join("", "{}", ((row_html(r, can_work),) for r in page.rows)),
        "count": count_label(rows_query),
        "filtered": form.active(),
        "query": query_without_cursor(request.GET),
        "page_query": page_query.urlencode(),
        "marker": queries.queue_marker(user),
        "can_work": can_work,
    }


def row_html(row: dict[str, Any], can_work: bool) -> SafeString:
    """One ticket's table row, every value escaped. Built here rather than in a template
    loop: fifty rows of a dozen cells each were most of the page's rendering time."""
    select = (
        format_html(
            '<td><input type="checkbox" name="ticket" value="{}" form="bulk-form" '
            'aria-label="Select {}"></td>',
            row["id"],
            row["reference"],
        )
        if can_work
        else ""
    )
    category = format_html(" · {}", row["category__name"]) if row["category__name"] else ""
    sla = (
        format_html(
            '<span class="badge {}" title="{}">{}</span>',
            row["sla_class"],
            row["sla_due"],
            row["sla_label"],
        )
        if row["sla_label"]
        else ""
    )
    return format_html(
        '<tr data-ticket="{id}" data-href="{url}">{select}'
        '<td class="mono"><a href="{url}">{reference}</a></td>'
        '<td><a href="{url}">{subject}</a>'
        '<span class="desk-queue-name">{queue}{category}</span></td>'
        "<td>{requester}</td><td>{site}</td>"
        '<td><span class="badge desk-status-{status}">{status_label}</span></td>'
        '<td><span class="desk-priority-{priority}">{priority_label}</span></td>'
        "<td>{assignee}</td><td>{sla}</td>"
        '<td><time datetime="{updated_iso}">{updated_label}</time></td></tr>\n',
        id=row["id"],
        url=row["url"],
        select=select,
        reference=row["reference"],
        subject=row["subject"],
        queue=row["queue__name"],
        category=category,
        requester=row["requester_name"],
        site=row["site__name"] or "",
        status=row["status"],
        status_label=row["status_label"],
        priority=row["priority"],
        priority_label=row["priority_label"],
        assignee=row["assignee_name"] or "Unassigned",
        sla=sla,
        updated_iso=row["updated_iso"],
        updated_label=row["updated_label"],
    )


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
        bulk_form = BulkForm(workers=choices["assignee"])
        context["bulk_form"] = bulk_form
        context["bulk_options"] = {
            name: options_html(
                (value, label, False)
                for value, label in bulk_form.fields[name].choices  # type: ignore[attr-defined]
            )
            for name in ("action", "assignee", "status")
        }
    selects = with_options_html(form.selects())
    context["main_selects"], context["more_selects"] = selects[:5], selects[5:]
    return render_list(request, TEMPLATE, context)


def with_options_html(selects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each filter's <option> tags, escaped and joined once here: a template loop over a
    district's sites, categories and technicians cost more than the queue's query."""
    for select in selects:
        select["options_html"] = options_html(
            (o["value"], o["label"], o["selected"]) for o in select["options"]
        )
    return selects


def options_html(options: Iterable[tuple[Any, str, bool]]) -> SafeString:
    """<option> tags for (value, label, selected) triples, every value and label escaped."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if selected else "", label) for value, label, selected in options),
    )


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
