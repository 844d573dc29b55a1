"""Repair pages: the list, opening a repair for a device, a repair with its parts, loaner,
fees and timeline, and the forms that change it (progress, parts, loaner, closing)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hatrack.core.permissions import can, requires
from hatrack.devices.forms.repairs import (
    DeviceTagForm,
    LoanerForm,
    RepairCloseForm,
    RepairEditForm,
    RepairFilterForm,
    RepairForm,
    RepairPartForm,
    add_service_errors,
)
from hatrack.devices.models import Device, Repair, RepairPart
from hatrack.devices.queries import repairs as queries
from hatrack.devices.services import repairs as services
from hatrack.devices.services.assignments import open_assignment
from hatrack.directory.queries import site_choices
from hatrack.directory.views.pages import acting_user, list_page


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted form, even an empty one (so it shows its errors), or None on GET."""
    return request.POST if request.method == "POST" else None


@requires("devices.view")
def repair_list(request: HttpRequest) -> HttpResponse:
    form = RepairFilterForm(
        request.GET or None, site_choices=site_choices(), vendor_choices=queries.vendor_choices()
    )
    filters = form.filters()
    return list_page(
        request,
        "devices/repair_list.html",
        form=form,
        rows=queries.repair_list_rows(filters),
        order=queries.REPAIR_ORDER,
        present=queries.present_repair_rows,
        filtered=any(filters.values()),
        start_form=DeviceTagForm(),
    )


@requires("devices.work")
def repair_start(request: HttpRequest) -> HttpResponse:
    """The list's "open a repair" box: find the scanned device, then open its repair form."""
    form = DeviceTagForm(request.GET)
    if form.is_valid():
        return redirect("devices:repair_create", pk=form.cleaned_data["tag"].pk)
    refusal = " ".join(str(e) for e in form.errors.get("tag", ()))
    messages.error(request, refusal or "Scan or type the device's tag.")
    return redirect("devices:repair_list")


@requires("devices.work")
def repair_create(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(Device.objects.select_related("model", "site", "holder"), pk=pk)
    user = acting_user(request)
    form = RepairForm(posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        try:
            repair = services.open_repair(device=device, by=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{repair} was opened for {device.label}.")
            return redirect("devices:repair_detail", pk=repair.pk)
    context = {
        "device": device,
        "form": form,
        "checked_out": open_assignment(device),
        "open_repair": device.repairs.filter(status__in=Repair.OPEN_STATUSES).first(),
    }
    return render(request, "devices/repair_form.html", context)


def _detail_context(request: HttpRequest, repair: Repair, **forms: Any) -> dict[str, Any]:
    parts = list(repair.parts.all())
    return {
        "repair": repair,
        "badge": queries.STATUS_BADGES.get(repair.status, ""),
        "parts": [
            {"part": p, "unit_cost": queries.money(p.unit_cost), "total": queries.money(p.total)}
            for p in parts
        ],
        "labor_cost": queries.money(repair.labor_cost),
        "parts_cost": queries.money(repair.parts_cost),
        "total_cost": queries.money(repair.total_cost),
        "fees": [
            {"fee": f, "amount": queries.money(f.amount), "balance": queries.money(f.balance)}
            for f in queries.repair_fees(repair)
        ]
        if can(request.user, "devices.fees")
        else None,
        "timeline": queries.repair_timeline(repair),
        "part_form": forms.get("part_form") or RepairPartForm(),
        "can_work": can(request.user, "devices.work") and repair.is_open,
        "can_lend": repair.holder_id is not None
        and (repair.loaner is None or not repair.loaner.is_open),
    }


@requires("devices.view")
def repair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    repair = queries.repair_for_page(pk)
    return render(request, "devices/repair_detail.html", _detail_context(request, repair))


@requires("devices.work")
def repair_edit(request: HttpRequest, pk: int) -> HttpResponse:
    repair = queries.repair_for_page(pk)
    if not repair.is_open:
        messages.error(request, f"{repair} is closed; its record stays as it was closed.")
        return redirect("devices:repair_detail", pk=repair.pk)
    initial = {
        "repair": repair, "status": repair.status, "problem": repair.problem,
        "damage_type": repair.damage_type, "vendor": repair.vendor,
        "warranty_claim": repair.warranty_claim, "claim_number": repair.claim_number,
        "labor_cost": repair.labor_cost,
    }  # fmt: skip
    form = RepairEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_repair(repair=repair, by=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{repair} was saved.")
            return redirect("devices:repair_detail", pk=repair.pk)
    return render(request, "devices/repair_edit.html", {"repair": repair, "form": form})


@requires("devices.work")
@require_POST
def repair_part_add(request: HttpRequest, pk: int) -> HttpResponse:
    repair = queries.repair_for_page(pk)
    form = RepairPartForm(request.POST)
    if form.is_valid():
        try:
            part = services.add_repair_part(
                repair=repair, by=acting_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{part.description} was added to {repair}.")
            return redirect("devices:repair_detail", pk=repair.pk)
    context = _detail_context(request, repair, part_form=form)
    return render(request, "devices/repair_detail.html", context, status=400)


@requires("devices.work")
@require_POST
def repair_part_remove(request: HttpRequest, pk: int) -> HttpResponse:
    repair = queries.repair_for_page(pk)
    part_id = request.POST.get("part", "")
    part = get_object_or_404(RepairPart, pk=int(part_id) if part_id.isdigit() else 0, repair=repair)
    try:
        services.remove_repair_part(part=part, by=acting_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{part.description} was taken off {repair}.")
    return redirect("devices:repair_detail", pk=repair.pk)


@requires("devices.work")
def repair_loaner(request: HttpRequest, pk: int) -> HttpResponse:
    repair = queries.repair_for_page(pk)
    form = LoanerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.hand_out_loaner(
                repair=repair,
                loaner_device=form.cleaned_data["loaner"],
                due_on=form.cleaned_data["due_on"],
                by=acting_user(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            holder = repair.holder.full_name if repair.holder else "the holder"
            messages.success(request, f"Loaner {assignment.device.label} handed to {holder}.")
            return redirect("devices:repair_detail", pk=repair.pk)
    context = {
        "repair": repair,
        "form": form,
        "suggestions": queries.in_stock_near(repair) if repair.is_open else [],
    }
    return render(request, "devices/repair_loaner.html", context)


@requires("devices.work")
def repair_close(request: HttpRequest, pk: int) -> HttpResponse:
    repair = queries.repair_for_page(pk)
    form = RepairCloseForm(posted(request), initial={"outcome": "repaired"})
    if request.method == "POST" and form.is_valid():
        try:
            services.close_repair(
                repair=repair,
                outcome=form.cleaned_data["outcome"],
                resolution=form.cleaned_data["resolution"],
                return_to_holder=form.cleaned_data["return_to_holder"],
                collect_loaner=form.collect_loaner(),
                by=acting_user(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{repair} was closed.")
            return redirect("devices:repair_detail", pk=repair.pk)
    loaner_out = repair.loaner is not None and repair.loaner.is_open
    context = {"repair": repair, "form": form, "loaner_out": loaner_out}
    return render(request, "devices/repair_close.html", context)
