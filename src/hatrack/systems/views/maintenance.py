"""Maintenance pages: the windows (active, upcoming, past), scheduling, editing and
cancelling one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hatrack.core.permissions import requires
from hatrack.directory.views.pages import acting_user
from hatrack.directory.working_time import district_zone
from hatrack.systems.forms.incidents import add_service_errors
from hatrack.systems.forms.maintenance import MaintenanceForm
from hatrack.systems.models import MaintenanceWindow
from hatrack.systems.queries.incidents import maintenance_groups
from hatrack.systems.services import maintenance as services
from hatrack.systems.views.incidents import posted


@requires("systems.view")
def maintenance_list(request: HttpRequest) -> HttpResponse:
    context = {**maintenance_groups(), "zone": district_zone()}
    return render(request, "systems/maintenance_list.html", context)


@requires("systems.work")
def maintenance_create(request: HttpRequest) -> HttpResponse:
    form = MaintenanceForm(posted(request), zone=district_zone())
    if request.method == "POST" and form.is_valid():
        try:
            window = services.schedule_maintenance(by=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{window.title}” is scheduled.")
            return redirect("systems:maintenance_list")
    return render(request, "systems/maintenance_form.html", {"form": form, "window": None})


@requires("systems.work")
def maintenance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    window = get_object_or_404(MaintenanceWindow, pk=pk)
    initial = {
        "title": window.title,
        "description": window.description,
        "systems": list(window.systems.all()),
        "starts_at": window.starts_at,
        "ends_at": window.ends_at,
        "public": window.public,
    }
    form = MaintenanceForm(posted(request), initial=initial, zone=district_zone())
    if request.method == "POST" and form.is_valid():
        try:
            services.update_maintenance(window=window, by=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{window.title}” was saved.")
            return redirect("systems:maintenance_list")
    return render(request, "systems/maintenance_form.html", {"form": form, "window": window})


@requires("systems.work")
@require_POST
def maintenance_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    window = get_object_or_404(MaintenanceWindow, pk=pk)
    services.cancel_maintenance(window=window, by=acting_user(request))
    messages.success(request, f"“{window.title}” was cancelled.")
    return redirect("systems:maintenance_list")
