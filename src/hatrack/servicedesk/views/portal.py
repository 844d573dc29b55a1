"""The staff portal's front page: ask for help (with suggested articles while typing)
and the list of one's own requests. Everyone signed in may use it, technicians and
leaders included: they ask for help too."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from hatrack.core.lists import keyset_page
from hatrack.core.permissions import requires
from hatrack.devices.services.tickets import open_ticket_about_device
from hatrack.directory.views.pages import acting_user, render_list
from hatrack.servicedesk import knowledge_search
from hatrack.servicedesk.forms.portal import CategoryChoiceForm, TicketRequestForm
from hatrack.servicedesk.models import Ticket, format_reference
from hatrack.servicedesk.queries import STATUS_LABELS, tickets_visible_to
from hatrack.servicedesk.services import portal as portal_services
from hatrack.servicedesk.views.portal_articles import suggestion_url

MY_TICKETS_ORDER = ("-updated_at", "-id")
MY_TICKETS_COLUMNS = ("id", "subject", "status", "updated_at", "created_at", "queue__name")
HOME_TICKETS = 10
# How each status looks: done is good news, waiting on the requester asks them to act.
STATUS_BADGES = {
    Ticket.Status.RESOLVED: "badge-success",
    Ticket.Status.CLOSED: "badge-muted",
    Ticket.Status.WAITING_ON_REQUESTER: "badge-warning",
}
# Form values kept when the page is shown again without filing (no-JS queue change).
KEPT_FIELDS = ("queue", "category", "subject", "description", "site", "device")


def own_requests(user: Any) -> QuerySet[Ticket]:
    """The tickets the user asked for (as their directory person, or opened themselves),
    within what they may see at all. A technician's queue is not their "my tickets"."""
    own = Q(created_by=user)
    if user.person_id is not None:
        own |= Q(requester_id=user.person_id)
    return tickets_visible_to(user).filter(own)


def present_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a row of "My tickets" shows, formatted once here rather than per row in the template."""
    for row in rows:
        row["reference"] = format_reference(row["id"])
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
        row["badge"] = STATUS_BADGES.get(row["status"], "")
    return rows


def my_tickets_page(request: HttpRequest, *, size: int) -> Any:
    rows = own_requests(acting_user(request)).values(*MY_TICKETS_COLUMNS)
    page = keyset_page(
        rows,
        order=MY_TICKETS_ORDER,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=size,
    )
    page.rows = present_rows(page.rows)
    return page


def suggestion_rows(request: HttpRequest, subject: str) -> list[dict[str, Any]]:
    """Articles for the subject, each linking to the article as reached from a suggestion."""
    subject = " ".join(subject.split())[:200]
    rows = knowledge_search.suggest_articles(acting_user(request), subject) if subject else []
    for row in rows:
        url = reverse("portal:article_detail", kwargs={"slug": row["slug"]})
        row["url"] = suggestion_url(url, subject)
    return rows


def render_home(request: HttpRequest, form: TicketRequestForm) -> HttpResponse:
    """The front page. When the form comes back with a subject (an error, or the queue
    changed without JavaScript), the suggestions for it show too, script or not."""
    subject = form.data.get("subject", "") if form.is_bound else form.initial.get("subject", "")
    context = {
        "form": form,
        "page": my_tickets_page(request, size=HOME_TICKETS),
        "suggestions": suggestion_rows(request, str(subject or "")),
        "subject": subject,
    }
    return render(request, "servicedesk/portal_home.html", context)


@requires("servicedesk.request")
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Ask for help, and the latest of one's own tickets."""
    subject = " ".join(request.GET.get("subject", "").split())[:200]
    form = TicketRequestForm(
        initial={"subject": subject} if subject else None, user=acting_user(request)
    )
    return render_home(request, form)


@requires("servicedesk.request")
@require_http_methods(["GET", "POST"])
def ticket_create(request: HttpRequest) -> HttpResponse:
    """File the request. Without JavaScript, "Show kinds for this help desk" posts here
    too and shows the form again with the chosen queue's categories, filing nothing."""
    user = acting_user(request)
    if request.method != "POST":
        return redirect("portal:home")
    if request.POST.get("refresh"):
        initial = {name: request.POST.get(name, "") for name in KEPT_FIELDS}
        return render_home(request, TicketRequestForm(initial=initial, user=user))
    form = TicketRequestForm(request.POST, request.FILES, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            ticket = open_ticket_about_device(
                open_ticket=lambda: portal_services.ask_for_help(
                    by=user,
                    queue=data["queue"],
                    subject=data["subject"],
                    description=data["description"],
                    category=data["category"],
                    site=data["site"],
                    files=data["attachments"],
                ),
                device=data.get("device"),
                by=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Thanks, your request is {ticket.reference}. Replies will appear on this page.",
            )
            return redirect("portal:ticket_detail", pk=ticket.pk)
    return render_home(request, form)


@requires("servicedesk.request")
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    """Every ticket one asked for, newest activity first, a page at a time."""
    page = my_tickets_page(request, size=25)
    return render_list(request, "servicedesk/portal_ticket_list.html", {"page": page})


@requires("servicedesk.request")
@require_GET
def category_options(request: HttpRequest) -> HttpResponse:
    """The "Kind of problem" field for the queue just chosen (swapped in by htmx)."""
    raw = request.GET.get("queue", "")
    queue_id = int(raw) if raw.isdigit() else None
    form = CategoryChoiceForm(queue_id=queue_id)
    return render(request, "servicedesk/portal_category_field.html", {"form": form})


@requires("servicedesk.request")
@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """Published articles that may answer the subject being typed (an htmx partial)."""
    subject = " ".join(request.GET.get("subject", "").split())[:200]
    context = {"suggestions": suggestion_rows(request, subject), "subject": subject}
    return render(request, "servicedesk/portal_suggestions.html", context)
