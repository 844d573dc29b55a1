"""Handing out and collecting: the scanner's sessions, one device's check-out and
check-in, and the end-of-year collection report.

The scanner page works as plain forms (each scan posts and the page comes back) and,
with devices-scan.js, posts each scan in the background and answers in JSON, so a
technician scans hundreds of devices without a page load.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hatrack.core.lists import csv_response, keyset_page, query_without_cursor
from hatrack.core.permissions import requires
from hatrack.devices import scanning_queries as queries
from hatrack.devices.models import Device, ScanSession
from hatrack.devices.scanning_forms import (
    CheckInForm,
    CheckOutForm,
    CollectionFilterForm,
    ScanForm,
    ScanSessionForm,
)
from hatrack.devices.services.assignments import check_in_device, check_out_device, open_assignment
from hatrack.devices.services.scanning import (
    DEVICE,
    ScanResult,
    finish_session,
    pending_person,
    person_label,
    record_scan,
    start_scan_session,
    undo_last_scan,
)
from hatrack.directory.views.pages import acting_user, render_list

SESSION_ORDER = ("-started_at", "-id")


def wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def prompt(session: ScanSession, waiting_for: str, waiting_person: str) -> str:
    """What the scanner asks for next, above the scan box."""
    if session.kind == ScanSession.Kind.COLLECT:
        return "Scan a device to collect it"
    if waiting_for == DEVICE:
        return f"Scan the device for {waiting_person}"
    return "Scan a student's badge"


# --- Sessions --------------------------------------------------------------------------


@requires("devices.work")
def scan_list(request: HttpRequest) -> HttpResponse:
    form = ScanSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = start_scan_session(by=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("devices:scan_session", pk=session.pk)
    page = keyset_page(
        queries.recent_sessions(),
        order=SESSION_ORDER,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=20,
    )
    return render(request, "devices/scan_list.html", {"form": form, "page": page})


def _session_context(session: ScanSession) -> dict[str, Any]:
    log = queries.session_log(session)
    waiting = pending_person(session)
    accessories = session.kit.accessories if session.kit and session.kind == "collect" else []
    last = log[0] if log and not log[0]["undone"] else None
    waiting_for = DEVICE if waiting or session.kind == ScanSession.Kind.COLLECT else "person"
    return {
        "session": session,
        "form": ScanForm(accessories=accessories, initial={"condition": ""}),
        "log": log,
        "last": last,
        "prompt": prompt(session, waiting_for, person_label(waiting)),
        "collecting": session.kind == ScanSession.Kind.COLLECT,
        "heading": _heading(session),
        "details": _details(session),
    }


def _heading(session: ScanSession) -> str:
    where = f" at {session.site.name}" if session.site else ""
    return f"{session.get_kind_display()} #{session.pk}{where}"


def _details(session: ScanSession) -> str:
    by = session.started_by.get_full_name() or session.started_by.get_username()
    parts = [
        f"Kit: {session.kit.name}" if session.kit else "No kit",
        f"Condition: {session.get_condition_display()}" if session.condition else "",
        f"Started by {by}, {timezone.localtime(session.started_at):%b %-d, %Y %H:%M}",
    ]
    return " · ".join(part for part in parts if part)


def _session(pk: int) -> ScanSession:
    return get_object_or_404(ScanSession.objects.select_related("site", "kit", "started_by"), pk=pk)


@requires("devices.work")
def scan_session(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "devices/scan_session.html", _session_context(_session(pk)))


def _answer(
    request: HttpRequest, session: ScanSession, result: ScanResult | None, error: str = ""
) -> HttpResponse:
    """JSON for the page's script; for a plain form, back to the page (the log shows the
    result, and a refusal of the whole request comes as a message)."""
    if wants_json(request):
        if result is None:
            return JsonResponse({"ok": False, "outcome": "error", "message": error}, status=409)
        now = timezone.localtime().strftime("%H:%M:%S")
        words = prompt(session, result.waiting_for, result.waiting_person)
        return JsonResponse({**result.as_dict(), "prompt": words, "time": now})
    if error:
        messages.error(request, error)
    return redirect("devices:scan_session", pk=session.pk)


@requires("devices.work")
@require_POST
def scan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    accessories = session.kit.accessories if session.kit else []
    form = ScanForm(request.POST, accessories=accessories)
    if not form.is_valid():
        return _answer(request, session, None, "Scan a badge or a device.")
    data = form.cleaned_data
    try:
        result = record_scan(
            session=session, value=data["value"], by=acting_user(request),
            condition=data["condition"], missing=data["missing"],
        )  # fmt: skip
    except ValidationError as exc:
        return _answer(request, session, None, " ".join(exc.messages))
    return _answer(request, session, result)


@requires("devices.work")
@require_POST
def scan_undo(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    try:
        result = undo_last_scan(session=session, by=acting_user(request))
    except ValidationError as exc:
        return _answer(request, session, None, " ".join(exc.messages))
    if not wants_json(request):
        messages.success(request, result.message)
    return _answer(request, session, result)


@requires("devices.work")
@require_POST
def scan_finish(request: HttpRequest, pk: int) -> HttpResponse:
    session = finish_session(session=_session(pk), by=acting_user(request))
    noun = "handed out" if session.kind == ScanSession.Kind.DISTRIBUTE else "collected"
    messages.success(
        request, f"Session finished: {session.succeeded} {noun}, {session.failed} refused."
    )
    return redirect("devices:scan_session", pk=session.pk)


# --- One device ------------------------------------------------------------------------


def _device(pk: int) -> Device:
    return get_object_or_404(Device.objects.select_related("model", "site", "holder"), pk=pk)


def device_url(pk: int) -> str:
    """The device's own page."""
    return reverse("devices:device_detail", args=[pk])


def device_page(device: Device) -> str:
    return device_url(device.pk)


@requires("devices.work")
def device_check_out(request: HttpRequest, pk: int) -> HttpResponse:
    device = _device(pk)
    current = open_assignment(device)
    form = CheckOutForm(request.POST or None, device=device)
    if request.method == "POST" and current is None and form.is_valid():
        try:
            check_out_device(
                device=device, by=acting_user(request),
                accessories=form.cleaned_data["accessories"], **{
                    k: form.cleaned_data[k]
                    for k in ("holder", "room", "kit", "condition", "due_on", "notes")
                },
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{device.label} was checked out.")
            return redirect(device_page(device))
    query = request.GET.get("q", "")
    chosen = form["holder"].value()
    context = {
        "device": device,
        "current": current,
        "form": form,
        "query": query,
        "people": queries.people_for_picker(query),
        "chosen": queries.chosen_person(chosen),
        "device_url": device_page(device),
    }
    return render(request, "devices/scan_check_out.html", context)


@requires("devices.work")
def device_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    device = _device(pk)
    current = open_assignment(device)
    if current is None:
        return render(request, "devices/scan_check_in.html", {"device": device, "current": None})
    form = CheckInForm(request.POST or None, device=device, assignment=current)
    if request.method == "POST" and form.is_valid():
        try:
            check_in_device(device=device, by=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{device.label} was checked in.")
            return redirect(device_page(device))
    context = {"device": device, "current": current, "form": form}
    return render(request, "devices/scan_check_in.html", context)


# --- The end-of-year collection report -------------------------------------------------


@requires("devices.view")
def collection_report(request: HttpRequest) -> HttpResponseBase:
    form = CollectionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    if request.GET.get("format") == "csv":
        stamp = timezone.localdate().isoformat()
        return csv_response(
            f"still-held-{stamp}.csv",
            queries.REPORT_CSV_HEADER,
            queries.report_csv_rows(filters),
        )
    page = keyset_page(
        queries.open_assignments(filters),
        order=queries.REPORT_ORDER,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    rows = queries.present_report_rows(page.rows)
    for row in rows:
        row["device_url"] = device_url(row["device_id"])
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "filtered": any(filters.values()),
        "export_query": query_without_cursor(request.GET),
    }
    return render_list(request, "devices/scan_collection_report.html", context)
