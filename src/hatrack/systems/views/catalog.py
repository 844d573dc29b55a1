"""Catalog pages: the system list (and its CSV), a system, its form, its dependencies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hatrack.core.lists import csv_response, query_without_cursor
from hatrack.core.permissions import can, requires
from hatrack.directory.views.pages import acting_user, list_page
from hatrack.systems.forms.catalog import DependencyForm, SystemFilterForm, SystemForm
from hatrack.systems.markdown_html import continuity_html, runbook_html
from hatrack.systems.models import System
from hatrack.systems.queries import catalog as queries
from hatrack.systems.services import catalog as services


def add_service_errors(form: Any, exc: ValidationError) -> None:
    """A service's refusal beside the fields it names (the rest above the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@requires("systems.view")
def system_list(request: HttpRequest) -> HttpResponseBase:
    form = SystemFilterForm(request.GET or None)
    filters = form.filters()
    rows = queries.system_list_rows(filters)
    if request.GET.get("format") == "csv":
        return csv_response("systems.csv", queries.CSV_HEADER, queries.system_csv_rows(rows))
    query = query_without_cursor(request.GET)
    return list_page(
        request,
        "systems/system_list.html",
        form=form,
        rows=rows,
        order=queries.SYSTEM_ORDER,
        present=queries.present_system_rows,
        filtered=queries.is_filtered(filters),
        query=query,
        csv_query=f"{query}&format=csv" if query else "format=csv",
    )


@requires("systems.view")
def system_detail(request: HttpRequest, pk: int) -> HttpResponse:
    system = queries.system_for_page(pk)
    cycle = queries.in_cycle(system)
    context = {
        "system": system,
        "sites": list(system.sites.all()),
        "audiences": [queries.AUDIENCE_LABELS.get(a, a) for a in system.audiences],
        "data_held": [queries.DATA_LABELS.get(d, d) for d in system.data_held],
        "runbook": runbook_html(system),
        "continuity": continuity_html(system),
        "depends_on": queries.depends_on(system),
        "needed_by": queries.needed_by(system),
        "cycle": queries.names_of(cycle) if cycle else [],
        "checks": queries.system_checks(system),
        "incidents": queries.open_incidents(system),
    }
    return render(request, "systems/system_detail.html", context)


@requires("systems.manage")
def system_create(request: HttpRequest) -> HttpResponse:
    form = SystemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            system = services.create_system(by=acting_user(request), **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{system} was added to the catalog.")
            return redirect("systems:system_detail", pk=system.pk)
    return render(request, "systems/system_form.html", {"form": form, "system": None})


@requires("systems.manage")
def system_edit(request: HttpRequest, pk: int) -> HttpResponse:
    system = queries.system_for_page(pk)
    form = SystemForm(request.POST or None, instance=system)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_system(system=system, by=acting_user(request), **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{system} was saved.")
            return redirect("systems:system_detail", pk=system.pk)
    return render(request, "systems/system_form.html", {"form": form, "system": system})


@requires("systems.manage")
def system_dependencies(request: HttpRequest, pk: int) -> HttpResponse:
    system = queries.system_for_page(pk)
    form = DependencyForm(request.POST or None, choices=queries.dependency_choices(system))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dependency = services.add_dependency(
                system=system,
                depends_on=data["depends_on"],
                kind=data["kind"],
                effect=data["effect"] or None,
                note=data["note"],
                by=acting_user(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{system} now depends on {dependency.depends_on}: "
                f"{dependency.get_kind_display().lower()}.",
            )
            return redirect("systems:system_dependencies", pk=system.pk)
    context = {
        "system": system,
        "form": form,
        "depends_on": queries.depends_on(system),
        "needed_by": queries.needed_by(system),
        "can_manage": can(request.user, "systems.manage"),
    }
    return render(
        request, "systems/system_dependencies.html", context, status=400 if form.errors else 200
    )


@requires("systems.manage")
@require_POST
def dependency_delete(request: HttpRequest, pk: int) -> HttpResponse:
    dependency = queries.dependency_for_page(pk)
    system: System = dependency.system
    depends_on: System = dependency.depends_on
    # Back to the page the edge was removed from: either end of it.
    back = depends_on if request.POST.get("back") == str(depends_on.pk) else system
    services.remove_dependency(dependency=dependency, by=acting_user(request))
    messages.success(request, f"{system} no longer depends on {depends_on}.")
    return redirect("systems:system_dependencies", pk=back.pk)
