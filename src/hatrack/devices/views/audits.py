"""Physical audit pages: start an audit of a site or room, scan what is there, read the
found / missing / unexpected lists (on the page, one by one with pages, or as CSV), finish.

Readers (devices.view) see audits; leaders and technicians (devices.work) start, scan and
finish them. A scan is posted by devices-audit.js without reloading the page and answered
in JSON; without JavaScript the same form posts and the page comes back with a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from hatrack.core.lists import csv_response, keyset_page
from hatrack.core.permissions import can, requires
from hatrack.devices.forms.audits import StartAuditForm
from hatrack.devices.models import PhysicalAudit
from hatrack.devices.queries import audits as queries
from hatrack.devices.services import audits as services
from hatrack.directory.views.pages import acting_user, render_list

PREVIEW_SIZE = 50
DETAIL = "devices/audit_detail.html"
# How each outcome shows at the scanner: a message level without JavaScript.
MESSAGE_LEVELS = {
    services.FOUND: messages.SUCCESS,
    services.ALREADY: messages.WARNING,
    services.UNEXPECTED: messages.ERROR,
    services.UNKNOWN: messages.ERROR,
}


# --- Audits ------------------------------------------------------------------------------


@requires("devices.view")
def audit_list(request: HttpRequest) -> HttpResponse:
    can_start = can(request.user, "devices.work")
    if request.method == "POST":
        if not can_start:
            raise PermissionDenied("devices.work")
        return _start(request)
    if request.GET.get("part") == "rooms":
        form = StartAuditForm(site_id=request.GET.get("site", ""))
        return render(request, "devices/audit_list.html#room_field", {"form": form})
    return _list(request, StartAuditForm() if can_start else None)


def _list(request: HttpRequest, form: StartAuditForm | None, status: int = 200) -> HttpResponse:
    page = keyset_page(
        queries.audit_list_rows(),
        order=queries.AUDIT_ORDER,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    context = {
        "form": form,
        "page": page,
        "rows": queries.present_audit_rows(page.rows),
        "empty_text": (
            "Start an audit of a school or of one room above, then scan every device there."
            if form
            else "Leaders and technicians start audits; their results appear here."
        ),
    }
    response = render_list(request, "devices/audit_list.html", context)
    response.status_code = status
    return response


def _start(request: HttpRequest) -> HttpResponse:
    form = StartAuditForm(request.POST)
    if form.is_valid():
        try:
            audit = services.start_audit(
                site=form.cleaned_data["site"],
                room=form.cleaned_data["room"],
                notes=form.cleaned_data["notes"],
                by=acting_user(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            where = services.place_name(audit)
            messages.success(
                request, f"Audit of {where} started: {audit.expected_count} devices expected."
            )
            return redirect("devices:audit_detail", pk=audit.pk)
    return _list(request, form, status=400)


@requires("devices.view")
def audit_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    audit = queries.get_audit(pk)
    kind = request.GET.get("list")
    if kind is not None and kind not in queries.LISTS:
        raise BadRequest("Choose the found, missing or unexpected list.")
    if kind and request.GET.get("format") == "csv":
        filename = f"audit-{audit.pk}-{kind}.csv"
        return csv_response(filename, queries.CSV_HEADER, queries.item_csv_rows(audit, kind))
    context: dict[str, Any] = {
        "audit": audit,
        "place": services.place_name(audit),
        "counts": services.audit_counts(audit),
        "can_work": can(request.user, "devices.work"),
        "open": audit.status == PhysicalAudit.Status.OPEN,
    }
    if not context["open"] and can(request.user, "devices.manage"):
        context["lost_candidates"] = services.lost_candidates(audit).count()
    if kind:
        return _one_list(request, audit, kind, context)
    context["lists"] = [_preview(audit, name, context["counts"]) for name in queries.LISTS]
    return render(request, DETAIL, context)


def _preview(audit: PhysicalAudit, kind: str, counts: dict[str, int]) -> dict[str, Any]:
    spec = queries.LISTS[kind]
    rows = queries.item_rows(audit, kind).order_by(*spec["order"])[:PREVIEW_SIZE]
    return {
        "kind": kind,
        "title": spec["title"],
        "empty": spec["empty"],
        "count": counts[kind],
        "rows": queries.present_item_rows(list(rows)),
        "more": counts[kind] > PREVIEW_SIZE,
    }


def _one_list(
    request: HttpRequest, audit: PhysicalAudit, kind: str, context: dict[str, Any]
) -> HttpResponse:
    spec = queries.LISTS[kind]
    page = keyset_page(
        queries.item_rows(audit, kind),
        order=spec["order"],
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    context.update(
        kind=kind,
        title=spec["title"],
        empty=spec["empty"],
        count=context["counts"][kind],
        page=page,
        rows=queries.present_item_rows(page.rows),
    )
    return render_list(request, "devices/audit_items.html", context)


# --- Scanning and finishing ----------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@requires("devices.work")
@require_POST
def audit_scan(request: HttpRequest, pk: int) -> HttpResponse:
    audit = get_object_or_404(PhysicalAudit, pk=pk)
    try:
        result = services.record_audit_scan(
            audit=audit, value=request.POST.get("code", ""), by=acting_user(request)
        )
    except ValidationError as exc:
        message = " ".join(exc.messages)
        if _wants_json(request):
            return JsonResponse({"ok": False, "outcome": "refused", "message": message}, status=400)
        messages.error(request, message)
        return redirect("devices:audit_detail", pk=pk)
    if not _wants_json(request):
        messages.add_message(request, MESSAGE_LEVELS[result.outcome], result.message)
        return redirect("devices:audit_detail", pk=pk)
    return JsonResponse(_scan_payload(request, audit, result))


def _scan_payload(
    request: HttpRequest, audit: PhysicalAudit, result: services.AuditScanResult
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "ok": result.ok,
        "outcome": result.outcome,
        "message": result.message,
        "code": result.code,
        "counts": result.counts,
        "device": result.device_id,
    }
    kind = {services.FOUND: queries.FOUND, services.UNEXPECTED: queries.UNEXPECTED}.get(
        result.outcome
    )
    if kind and result.device_id:
        rows = queries.item_rows(audit, kind).filter(device_id=result.device_id)
        payload["list"] = kind
        payload["row"] = render_to_string(
            f"{DETAIL}#item_row",
            {"row": queries.present_item_rows(list(rows))[0], "kind": kind},
            request=request,
        )
    return payload


@requires("devices.work")
@require_POST
def audit_finish(request: HttpRequest, pk: int) -> HttpResponse:
    audit = get_object_or_404(PhysicalAudit, pk=pk)
    try:
        audit = services.finish_audit(audit=audit, by=acting_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        counts = services.audit_counts(audit)
        messages.success(
            request,
            f"Audit finished: {counts['found']} found, {counts['missing']} missing, "
            f"{counts['unexpected']} unexpected.",
        )
    return redirect("devices:audit_detail", pk=pk)


@requires("devices.manage")
@require_POST
def audit_mark_lost(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader's explicit follow-up of a finished audit: its missing devices (those no
    person holds) become Lost."""
    audit = get_object_or_404(PhysicalAudit, pk=pk)
    try:
        count = services.mark_missing_lost(audit=audit, by=acting_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        noun = "device" if count == 1 else "devices"
        messages.success(request, f"{count} missing {noun} marked lost.")
    return redirect("devices:audit_detail", pk=pk)
