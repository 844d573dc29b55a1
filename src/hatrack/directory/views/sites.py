"""Site pages: the list (search, kind and status filters), a site, create and edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from hatrack.core.permissions import can, requires
from hatrack.devices import holdings
from hatrack.directory import queries, services
from hatrack.directory.forms import SiteFilterForm, SiteForm
from hatrack.directory.models import Site
from hatrack.directory.queries.catalog import site_rooms
from hatrack.directory.views.pages import acting_user, list_page


@requires("directory.view")
def site_list(request: HttpRequest) -> HttpResponse:
    form = SiteFilterForm(request.GET or None)
    filters = form.filters()
    return list_page(
        request,
        "directory/site_list.html",
        form=form,
        rows=queries.site_list_rows(filters),
        order=queries.SITE_ORDER,
        present=queries.present_site_rows,
        filtered=bool(filters["q"] or filters["kind"]) or filters["active"] != "active",
    )


@requires("directory.view")
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=pk)
    context = {
        "site": site,
        "by_role": queries.site_people_by_role(site),
        "people": queries.site_people_sample(site),
        "departments": queries.site_departments(site),
        "history": queries.history(site),
        "rooms": site_rooms(site),
        "device_counts": holdings.site_device_counts(site)
        if can(request.user, "devices.view")
        else None,
    }
    return render(request, "directory/site_detail.html", context)


@requires("directory.change")
def site_create(request: HttpRequest) -> HttpResponse:
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.create_site(by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{site} was added.")
            return redirect(site)
    return render(request, "directory/site_form.html", {"form": form, "site": None})


@requires("directory.change")
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=pk)
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_site(site=site, by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{site} was saved.")
            return redirect(site)
    return render(request, "directory/site_form.html", {"form": form, "site": site})
