"""Canned responses: the shared ones (kept by leaders) and each technician's own."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hatrack.core.permissions import requires
from hatrack.servicedesk import queries
from hatrack.servicedesk.forms.desk import CannedResponseForm
from hatrack.servicedesk.models import CannedResponse
from hatrack.servicedesk.services.desk import (
    PLACEHOLDERS,
    can_manage_canned,
    create_canned_response,
    delete_canned_response,
    update_canned_response,
)
from hatrack.servicedesk.views.desk.common import acting_user, error_words

FORM_TEMPLATE = "servicedesk/desk_canned_form.html"


@requires("servicedesk.work")
def canned_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    rows = [
        {"canned": canned, "mine": can_manage_canned(user, canned)}
        for canned in queries.canned_responses_for(user)
    ]
    return render(
        request, "servicedesk/desk_canned_list.html", {"rows": rows, "placeholders": PLACEHOLDERS}
    )


def _save(request: HttpRequest, form: CannedResponseForm, canned: CannedResponse | None) -> bool:
    values = {k: form.cleaned_data[k] for k in ("title", "body", "queue", "shared")}
    try:
        if canned is None:
            create_canned_response(by=acting_user(request), **values)
        else:
            update_canned_response(canned=canned, by=acting_user(request), **values)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


@requires("servicedesk.work")
def canned_create(request: HttpRequest) -> HttpResponse:
    form = CannedResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _save(request, form, None):
        messages.success(request, f"“{form.cleaned_data['title']}” was saved.")
        return redirect("servicedesk:canned_list")
    return render(request, FORM_TEMPLATE, {"form": form, "canned": None})


@requires("servicedesk.work")
def canned_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    canned = get_object_or_404(queries.canned_responses_for(user), pk=pk)
    if not can_manage_canned(user, canned):
        messages.error(request, "Only technology leaders change shared canned responses.")
        return redirect("servicedesk:canned_list")
    initial = {"shared": canned.owner_id is None, "queue": canned.queue_id}
    form = CannedResponseForm(
        request.POST or None, initial={"title": canned.title, "body": canned.body, **initial}
    )
    if request.method == "POST" and form.is_valid() and _save(request, form, canned):
        messages.success(request, f"“{canned.title}” was saved.")
        return redirect("servicedesk:canned_list")
    return render(request, FORM_TEMPLATE, {"form": form, "canned": canned})


@requires("servicedesk.work")
@require_POST
def canned_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    canned = get_object_or_404(queries.canned_responses_for(user), pk=pk)
    try:
        delete_canned_response(canned=canned, by=user)
    except ValidationError as exc:
        messages.error(request, error_words(exc))
    else:
        messages.success(request, f"“{canned.title}” was deleted.")
    return redirect("servicedesk:canned_list")
