"""People pages: the list (search, filters, keyset pages, CSV), a person, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from hatrack.core.lists import csv_response, query_without_cursor
from hatrack.core.permissions import can, requires
from hatrack.devices import holdings
from hatrack.directory import queries, services
from hatrack.directory.forms import PersonFilterForm, PersonForm
from hatrack.directory.models import Person
from hatrack.directory.views.pages import acting_user, list_page


@requires("directory.view")
def person_list(request: HttpRequest) -> HttpResponse:
    sites = queries.site_choices()
    form = PersonFilterForm(request.GET or None, site_choices=sites)
    filters = form.filters()
    people = queries.people_matching(filters)
    return list_page(
        request,
        "directory/person_list.html",
        form=form,
        rows=queries.person_list_rows(people),
        order=queries.PERSON_ORDER,
        present=lambda rows: queries.present_person_rows(rows, dict(sites)),
        filtered=any(filters[k] for k in ("q", "role", "site", "grade"))
        or filters["active"] != "active",
        counted=people,
        query=query_without_cursor(request.GET),
    )


@requires("directory.view")
def person_export(request: HttpRequest) -> StreamingHttpResponse:
    form = PersonFilterForm(request.GET or None, site_choices=queries.site_choices())
    rows = queries.person_csv_rows(form.filters())
    return csv_response("people.csv", queries.PERSON_CSV_HEADER, rows)


@requires("directory.view")
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        person = queries.person_detail(pk)
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    context = {
        "person": person,
        "account": queries.person_account(person),
        "history": queries.history(person),
        **person_devices(request, person),
    }
    return render(request, "directory/person_detail.html", context)


def person_devices(request: HttpRequest, person: Person) -> dict[str, object]:
    """The devices sections of a person's page, for those who may see devices (fees only
    for those who handle them)."""
    if not can(request.user, "devices.view"):
        return {}
    return {
        "devices": {
            "held": holdings.devices_held_by(person),
            "history": holdings.person_device_history(person),
            "repairs": holdings.person_repairs(person),
            "fees": holdings.person_fees(person) if can(request.user, "devices.fees") else None,
            "list_url": holdings.device_list_url(holder=person.pk),
        }
    }


@requires("directory.change")
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{person} was added to the directory.")
            return redirect(person)
    return render(request, "directory/person_form.html", {"form": form, "person": None})


@requires("directory.change")
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    if request.method == "POST" and "set_active" in request.POST:
        active = request.POST["set_active"] == "1"
        services.set_person_active(person=person, active=active, by=acting_user(request))
        state = "reactivated" if active else "deactivated"
        messages.success(request, f"{person} was {state}.")
        return redirect(person)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(person=person, by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{person} was saved.")
            return redirect(person)
    return render(request, "directory/person_form.html", {"form": form, "person": person})
