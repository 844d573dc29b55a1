"""Health check pages: the list, a check (results, response times, uptime, outages), its
form, and "Run now"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hatrack.core.lists import query_without_cursor
from hatrack.core.permissions import requires
from hatrack.directory.views.pages import acting_user, list_page
from hatrack.systems.checks import history
from hatrack.systems.forms.checks import CheckFilterForm, CheckForm
from hatrack.systems.models import System
from hatrack.systems.services import checks as services
from hatrack.systems.views.catalog import add_service_errors


@requires("systems.view")
def check_list(request: HttpRequest) -> HttpResponseBase:
    form = CheckFilterForm(request.GET or None)
    filters = form.filters()
    return list_page(
        request,
        "systems/check_list.html",
        form=form,
        rows=history.check_list_rows(filters),
        order=history.CHECK_ORDER,
        present=history.present_check_rows,
        filtered=any(filters.values()),
        query=query_without_cursor(request.GET),
    )


@requires("systems.view")
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = history.check_for_page(pk)
    now = timezone.now()
    context = {
        "check": check,
        "results": history.recent_results(check),
        "outages": history.outages_of(check),
        "uptime": history.uptime(check, now),
        "charts": history.response_chart(check, now),
        "every": history.every_label(check.interval_seconds),
    }
    return render(request, "systems/check_detail.html", context)


@requires("systems.checks")
def check_create(request: HttpRequest) -> HttpResponseBase:
    initial = {}
    if request.GET.get("system", "").isdigit():
        initial["system"] = request.GET["system"]
    form = CheckForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        system: System = form.cleaned_data["system"]
        try:
            check = services.create_check(
                system=system, by=acting_user(request), fields=form.values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Check “{check.name}” added; it runs within a few seconds.")
            return redirect("systems:check_detail", pk=check.pk)
    return render(request, "systems/check_form.html", {"form": form, "check": None})


@requires("systems.checks")
def check_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    check = history.check_for_page(pk)
    form = CheckForm(request.POST or None, instance=check)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_check(check=check, by=acting_user(request), fields=form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Check “{check.name}” saved.")
            return redirect("systems:check_detail", pk=check.pk)
    return render(request, "systems/check_form.html", {"form": form, "check": check})


@requires("systems.checks")
@require_POST
def check_run(request: HttpRequest, pk: int) -> HttpResponseBase:
    check = history.check_for_page(pk)
    try:
        services.run_check_now(check=check, by=acting_user(request))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "The check runs within a second or two; reload to see it.")
    return redirect("systems:check_detail", pk=check.pk)
