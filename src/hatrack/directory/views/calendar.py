"""The school calendar: working hours (the district's and sites' own) and closures."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from hatrack.core.lists import keyset_page
from hatrack.core.permissions import requires
from hatrack.directory import calendar_services, queries
from hatrack.directory.calendar_forms import ClosureForm, WeekHoursForm
from hatrack.directory.models import Closure, Site
from hatrack.directory.queries import calendar as calendar_queries
from hatrack.directory.views.pages import acting_user, render_list


@requires("directory.view")
def calendar(request: HttpRequest) -> HttpResponse:
    page = keyset_page(
        calendar_queries.closure_rows(),
        order=calendar_queries.CLOSURE_ORDER,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    today = timezone.localdate()
    context = {
        "week": calendar_queries.present_week(calendar_queries.week_rows(None)),
        "own_hours": calendar_queries.sites_with_own_hours(),
        "site_choices": queries.site_choices(),
        "page": page,
        "rows": calendar_queries.present_closure_rows(page.rows, today),
    }
    return render_list(request, "directory/calendar.html", context)


def _hours_page(request: HttpRequest, site: Site | None) -> HttpResponse:
    rows = calendar_queries.week_rows(site)
    initial = WeekHoursForm.initial_for(rows, follow_district=site is not None and not rows)
    form = WeekHoursForm(request.POST or None, initial=initial, for_site=site is not None)
    if request.method == "POST" and form.is_valid():
        try:
            calendar_services.set_working_hours(
                site=site, week=form.week(), by=acting_user(request)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            where = site.name if site else "the district"
            messages.success(request, f"Working hours of {where} were saved.")
            return redirect("directory:calendar")
    return render(request, "directory/calendar_hours_form.html", {"form": form, "site": site})


@requires("directory.change")
def working_hours_edit(request: HttpRequest) -> HttpResponse:
    return _hours_page(request, None)


@requires("directory.change")
def site_hours_edit(request: HttpRequest, site_pk: int) -> HttpResponse:
    return _hours_page(request, get_object_or_404(Site, pk=site_pk))


@requires("directory.change")
def site_hours_choose(request: HttpRequest) -> HttpResponse:
    """The calendar page's "choose a site" form lands here and goes on to that site's hours."""
    site_id = request.GET.get("site", "")
    if not site_id.isdigit() or not Site.objects.filter(pk=int(site_id)).exists():
        messages.error(request, "Choose a site to give hours of its own.")
        return redirect("directory:calendar")
    return redirect("directory:site_hours_edit", site_pk=int(site_id))


@requires("directory.change")
def closure_create(request: HttpRequest) -> HttpResponse:
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure = calendar_services.create_closure(by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{closure.name} was added to the calendar.")
            return redirect("directory:calendar")
    return render(request, "directory/calendar_closure_form.html", {"form": form, "closure": None})


@requires("directory.change")
def closure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    closure = get_object_or_404(Closure, pk=pk)
    form = ClosureForm(request.POST or None, instance=closure)
    if request.method == "POST" and form.is_valid():
        try:
            calendar_services.update_closure(
                closure=closure, by=acting_user(request), **form.values()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{closure.name} was saved.")
            return redirect("directory:calendar")
    context = {"form": form, "closure": closure, "history": queries.history(closure)}
    return render(request, "directory/calendar_closure_form.html", context)


@requires("directory.change")
@require_http_methods(["GET", "POST"])
def closure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    closure = get_object_or_404(Closure, pk=pk)
    if request.method == "POST":
        calendar_services.delete_closure(closure=closure, by=acting_user(request))
        messages.success(request, f"{closure.name} was removed from the calendar.")
        return redirect("directory:calendar")
    return render(request, "directory/calendar_closure_delete.html", {"closure": closure})
