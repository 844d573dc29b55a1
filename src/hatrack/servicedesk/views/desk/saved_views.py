"""Saved queue views: save the current filters, rename or delete one's own."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hatrack.core.permissions import requires
from hatrack.servicedesk import queries
from hatrack.servicedesk.forms.desk import RenameViewForm, SavedViewForm
from hatrack.servicedesk.services.desk import (
    can_manage_view,
    create_saved_view,
    delete_saved_view,
    rename_saved_view,
)
from hatrack.servicedesk.views.desk.common import acting_user, error_words


@requires("servicedesk.work")
def saved_view_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    base = reverse("servicedesk:queue")
    rows = [
        {
            "view": view,
            "url": f"{base}?{urlencode(view.filters)}",
            "mine": can_manage_view(user, view),
            "form": RenameViewForm(initial={"name": view.name}, prefix=f"v{view.pk}"),
        }
        for view in queries.saved_views_for(user)
    ]
    return render(request, "servicedesk/desk_saved_views.html", {"rows": rows})


@requires("servicedesk.work")
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    query = request.POST.get("query", "")
    back = reverse("servicedesk:queue") + (f"?{query}" if query else "")
    if not form.is_valid():
        messages.error(request, "Name the view before saving it.")
        return redirect(back)
    filters = QueryDict(form.cleaned_data["query"]).dict()
    try:
        view = create_saved_view(
            by=acting_user(request),
            name=form.cleaned_data["name"],
            filters=filters,
            shared=form.cleaned_data["shared"],
        )
    except ValidationError as exc:
        messages.error(request, f"The view was not saved: {error_words(exc)}")
        return redirect(back)
    messages.success(request, f"Saved the view “{view.name}”.")
    return redirect(f"{reverse('servicedesk:queue')}?{urlencode(view.filters)}")


@requires("servicedesk.work")
@require_POST
def saved_view_rename(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    view = get_object_or_404(queries.saved_views_for(user), pk=pk)
    form = RenameViewForm(request.POST, prefix=f"v{view.pk}")
    if not form.is_valid():
        messages.error(request, "Write the view's new name.")
        return redirect("servicedesk:saved_view_list")
    try:
        rename_saved_view(view=view, by=user, name=form.cleaned_data["name"])
    except ValidationError as exc:
        messages.error(request, f"Not renamed: {error_words(exc)}")
    else:
        messages.success(request, f"Renamed to “{view.name}”.")
    return redirect("servicedesk:saved_view_list")


@requires("servicedesk.work")
@require_POST
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    view = get_object_or_404(queries.saved_views_for(user), pk=pk)
    try:
        delete_saved_view(view=view, by=user)
    except ValidationError as exc:
        messages.error(request, error_words(exc))
    else:
        messages.success(request, f"Deleted the view “{view.name}”.")
    return redirect("servicedesk:saved_view_list")
