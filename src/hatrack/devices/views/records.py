"""Device pages: the list (search, filters, keyset pages, CSV, a selection to label), one
device with its history, adding and editing a device, and changing its status."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from hatrack.core.lists import count_label, csv_response, keyset_page, query_without_cursor
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
from hatrack.directory.views.pages import acting_user, render_list

SORT_LABELS = {
    queries.ASSET_TAG_ORDER: "asset tag",
    queries.HOLDER_ORDER: "holder's name",
    queries.MODEL_ORDER: "model, then serial number",
}


def _url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def _filter_form(
    request: HttpRequest, sites: list[tuple[int, str]] | None = None
) -> DeviceFilterForm:
    choices = queries.list_choices()
    return DeviceFilterForm(
        request.GET or None,
        site_choices=choices.sites if sites is None else sites,
        model_choices=choices.models,
        fund_choices=choices.funds,
    )


@requires("devices.view")
def device_list(request: HttpRequest) -> HttpResponse:
    choices = queries.list_choices()
    form = _filter_form(request, choices.sites)
    filters = form.filters()
    selection = queries.devices_matching(filters)
    label_url = _url("devices:label_sheet")
    rows = queries.device_list_rows(selection)
    page = keyset_page(
        rows,
        order=selection.order,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    if page.is_first and page.next_cursor is None:
        count = f"{len(page.rows):,}"  # the whole list is on this page: nothing to count
    else:
        count = count_label(rows if selection.counted is None else selection.counted)
    presented = queries.present_device_rows(page.rows, choices.site_names)
    context = {
        "form": form,
        "page": page,
        "rows": [row_html(row, selectable=bool(label_url)) for row in presented],
        "count": count,
        "filtered": queries.is_filtered(filters),
        "query": query_without_cursor(request.GET),
        "selects": with_options_html(form.selects()),
        "label_url": label_url,
        "can_work": can(request.user, "devices.work"),
        "sorted_by": SORT_LABELS.get(selection.order, "serial number"),
    }
    return render_list(request, "devices/device_list.html", context)


# A row's markup, in pieces chosen per row: the format string is always these literals,
# and every value goes through format_html's escaping, in one call per row.
_ROW_SELECT = (
    '<td><input type="checkbox" name="device" value="{id}" form="label-form" '
    'aria-label="Select {label}"></td>'
)
_ROW_START = (
    '<tr>{select}<td class="mono"><a href="{url}">{tag}</a></td>'
    '<td class="mono"><a href="{url}">{serial}</a></td><td>{model}</td>'
    '<td><span class="badge {badge}">{status}</span>'
)
_ROW_WARRANTY = ' <span class="badge badge-muted">warranty ended</span>'
_ROW_SITE = "</td><td>{site}</td><td>{where}</td><td>"
_ROW_UPDATE = '<time datetime="{update_end}">{update_label}</time>'
_ROW_EXPIRED = (
    '<time datetime="{update_end}" class="expired">{update_label}</time>'
    ' <span class="badge badge-danger">expired</span>'
)
_ROW_END = "</td></tr>"


def row_html(row: dict[str, Any], *, selectable: bool) -> SafeString:
    """One device's table row, every value escaped. Built here rather than in a template
    loop, in one format_html call: fifty rows of eight cells were most of the page's
    rendering time."""
    update = ""
    if row["update_end"]:
        update = _ROW_EXPIRED if row["update_expired"] else _ROW_UPDATE
    template = "".join(
        (
            _ROW_START.replace("{select}", _ROW_SELECT if selectable else ""),
            _ROW_WARRANTY if row["warranty_expired"] else "",
            _ROW_SITE,
            update,
            _ROW_END,
        )
    )
    return format_html(
        template,
        id=row["id"],
        label=row["asset_tag"] or row["serial_number"],
        url=row["url"],
        tag=row["asset_tag"] or "—",
        serial=row["serial_number"],
        model=row["model"],
        badge=row["badge"],
        status=row["status_label"],
        site=row["site"],
        where=row["holder"] or row["room"] or "—",
        update_end=row["update_end"],
        update_label=row["update_end_label"],
    )


# The <option> tags of a select with nothing chosen, by its (value, label) pairs: the
# site, model and fund lists change rarely, and escaping a hundred labels on every
# request was a tenth of the page's time. Bounded: a changed catalog adds an entry.
_OPTIONS_HTML: dict[tuple[tuple[str, str], ...], SafeString] = {}
_OPTIONS_KEPT = 64


def _options_html(options: list[dict[str, Any]]) -> SafeString:
    if any(o["selected"] and o["value"] for o in options):
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((o["value"], " selected" if o["selected"] else "", o["label"]) for o in options),
        )
    key = tuple((str(o["value"]), str(o["label"])) for o in options)
    built = _OPTIONS_HTML.get(key)
    if built is None:
        if len(_OPTIONS_HTML) >= _OPTIONS_KEPT:
            _OPTIONS_HTML.clear()
        built = _OPTIONS_HTML[key] = format_html_join("", '<option value="{}">{}</option>', key)
    return built


def with_options_html(selects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The filter selects with their <option> tags built once, every label escaped."""
    for select in selects:
        select["options_html"] = _options_html(select["options"])
    return selects


@requires("devices.view")
def device_export(request: HttpRequest) -> StreamingHttpResponse:
    form = _filter_form(request)
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
        url = _url(name, pk) if applies else ""
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
