"""Device pages: the list (search, filters, keyset pages, CSV, a selection to label), one
device with its history, adding and editing a device, and changing its status."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from hatrack.core.lists import csv_response, query_without_cursor
from hatrack.core.permissions import can, requires
from hatrack.devices.models import Device, Status
from hatrack.devices.queries import devices as queries
from hatrack.devices.queries.history import device_timeline
from hatrack.devices.record_forms import (
    DeviceFilterForm,
    DeviceForm,
    DeviceStatusForm,
    add_service_errors,
)
from hatrack.devices.services import records as services
from hatrack.devices.services.assignments import open_assignment
from hatrack.directory.queries import site_choices
from hatrack.directory.views.pages import acting_user, list_page


def _url_or_blank(name: str, *args: Any) -> str:
    """The address of a page another area of the hat provides, or '' until it exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _filter_form(request: HttpRequest, sites: list[tuple[int, str]]) -> DeviceFilterForm:
    return DeviceFilterForm(
        request.GET or None,
        site_choices=sites,
        model_choices=queries.model_choices(),
        fund_choices=queries.fund_choices(),
    )


@requires("devices.view")
def device_list(request: HttpRequest) -> HttpResponse:
    sites = site_choices()
    form = _filter_form(request, sites)
    filters = form.filters()
    selection = queries.devices_matching(filters)
    site_names = dict(sites)
    return list_page(
        request,
        "devices/device_list.html",
        form=form,
        rows=queries.device_list_rows(selection),
        order=selection.order,
        present=lambda rows: queries.present_device_rows(rows, site_names),
        filtered=queries.is_filtered(filters),
        counted=selection.devices,
        query=query_without_cursor(request.GET),
        label_url=_url_or_blank("devices:label_sheet"),
        can_work=can(request.user, "devices.work"),
        by_asset_tag=selection.search == "asset_tag",
    )


@requires("devices.view")
def device_export(request: HttpRequest) -> StreamingHttpResponse:
    form = _filter_form(request, site_choices())
    rows = queries.device_csv_rows(form.filters())
    return csv_response("devices.csv", queries.DEVICE_CSV_HEADER, rows)


@requires("devices.view")
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    device = queries.get_device_for(request.user, pk)
    assignment = open_assignment(device)
    work = can(request.user, "devices.work")
    context = {
        "device": device,
        "assignment": assignment,
        "update_end": device.update_expiration,
        "custom": sorted(device.custom.items()) if isinstance(device.custom, dict) else [],
        "timeline": device_timeline(device),
        "can_work": work,
        "actions": _actions(request, device, assignment is not None) if work else [],
    }
    return render(request, "devices/device_detail.html", context)


def _actions(request: HttpRequest, device: Device, is_out: bool) -> list[dict[str, str]]:
    """The buttons of the device page: each only when its page exists and applies."""
    pk = device.pk
    wanted = [
        ("Edit", "devices:device_edit", True),
        ("Check in", "devices:device_check_in", is_out),
        ("Check out", "devices:device_check_out", not is_out and device.status == Status.IN_STOCK),
        ("Open repair", "devices:repair_create", device.status not in ("disposed", "retired")),
        ("Charge fee", "devices:fee_create", can(request.user, "devices.fees")),
        ("Change status", "devices:device_status", True),
    ]
    found = []
    for label, name, applies in wanted:
        url = _url_or_blank(name, pk) if applies else ""
        if url:
            found.append({"label": label, "url": url})
    return found


@requires("devices.work")
def device_create(request: HttpRequest) -> HttpResponse:
    form = DeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.create_device(by=acting_user(request), **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Device {device.label} was added.")
            return redirect(device)
    return render(request, "devices/device_form.html", {"form": form, "device": None})


@requires("devices.work")
def device_edit(request: HttpRequest, pk: int) -> HttpResponse:
    device = queries.get_device_for(request.user, pk)
    form = DeviceForm(request.POST or None, instance=device)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.update_device(device=device, by=acting_user(request), **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Device {saved.label} was saved.")
            return redirect(saved)
    return render(request, "devices/device_form.html", {"form": form, "device": device})


@requires("devices.work")
def device_status(request: HttpRequest, pk: int) -> HttpResponse:
    device = queries.get_device_for(request.user, pk)
    form = DeviceStatusForm(request.POST or None, initial={"status": device.status})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.set_device_status(
                device=device,
                status=form.cleaned_data["status"],
                notes=form.cleaned_data["notes"],
                by=acting_user(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Device {saved.label} is now {saved.get_status_display().lower()}."
            )
            return redirect(saved)
    context = {"form": form, "device": device, "assignment": open_assignment(device)}
    return render(request, "devices/device_status.html", context)
