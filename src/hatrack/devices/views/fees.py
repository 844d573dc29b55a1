"""Fee pages: the list (what families still owe first), charging a fee for a device, a
fee with its payments, recording a payment and, for leaders, waiving a fee."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hatrack.core.audit import history_of
from hatrack.core.audit_changes import describe_changes
from hatrack.core.permissions import can, requires
from hatrack.devices.forms.repairs import (
    FeeFilterForm,
    FeeForm,
    PaymentForm,
    WaiveForm,
    add_service_errors,
)
from hatrack.devices.models import Device, Fee
from hatrack.devices.queries import repairs as queries
from hatrack.devices.services import fees as services
from hatrack.devices.views.repairs import posted
from hatrack.directory.models import Person
from hatrack.directory.queries import site_choices
from hatrack.directory.views.pages import acting_user, list_page


@requires("devices.fees")
def fee_list(request: HttpRequest) -> HttpResponse:
    form = FeeFilterForm(request.GET or None, site_choices=site_choices())
    filters = form.filters()
    rows = queries.fee_list_rows(filters)
    totals = queries.fee_totals(rows)
    return list_page(
        request,
        "devices/fee_list.html",
        form=form,
        rows=rows,
        order=queries.FEE_ORDER,
        present=queries.present_fee_rows,
        filtered=any(filters.values()),
        totals=totals,
    )


@requires("devices.fees")
def fee_create(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(Device.objects.select_related("model", "site"), pk=pk)
    repairs = queries.device_repairs(device)
    initial: dict[str, Any] = {}
    default_person = queries.last_holder(device)
    if default_person is not None:
        initial["person"] = _person_code(default_person)
    chosen = request.GET.get("repair", "")
    repair = next((r for r in repairs if str(r.pk) == chosen), None)
    if repair is not None:
        initial |= {"repair": repair.pk, "damage_type": repair.damage_type}
        if repair.holder is not None:
            initial["person"] = _person_code(repair.holder)
    form = FeeForm(posted(request), repairs=repairs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            fee = services.charge_fee(device=device, by=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{fee} of {queries.money(fee.amount)} was charged.")
            return redirect("devices:fee_detail", pk=fee.pk)
    context = {"device": device, "form": form, "default_person": default_person}
    return render(request, "devices/fee_form.html", context)


def _person_code(person: Person) -> str:
    """What the fee form's person field takes: the SIS id, else the email or username."""
    return person.sis_id or person.email or person.username


def _fee_context(request: HttpRequest, fee: Fee, **forms: Any) -> dict[str, Any]:
    owed = fee.status in (Fee.Status.UNPAID, Fee.Status.PARTIAL)
    return {
        "fee": fee,
        "badge": queries.STATUS_BADGES.get(fee.status, ""),
        "amount": queries.money(fee.amount),
        "paid": queries.money(fee.amount_paid),
        "balance": queries.money(fee.balance),
        "payments": queries.fee_payments(fee),
        "payment_form": (forms.get("payment_form") or PaymentForm()) if owed else None,
        "can_waive": owed and can(request.user, "devices.waive"),
        "history": [
            {
                "at": e.at,
                "actor_name": e.actor_name,
                "summary": e.summary
                or (f"Charged {queries.money(fee.amount)}" if e.action == "create" else "Changed"),
                "changes": [] if e.action == "create" else describe_changes(e, Fee),
            }
            for e in history_of(fee)
        ],
    }


@requires("devices.fees")
def fee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fee = queries.fee_for_page(pk)
    return render(request, "devices/fee_detail.html", _fee_context(request, fee))


@requires("devices.fees")
@require_POST
def fee_payment(request: HttpRequest, pk: int) -> HttpResponse:
    fee = queries.fee_for_page(pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payment = services.record_payment(fee=fee, by=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"A payment of {queries.money(payment.amount)} was recorded.")
            return redirect("devices:fee_detail", pk=fee.pk)
    context = _fee_context(request, fee, payment_form=form)
    if context["payment_form"] is None:
        refusal = " ".join(str(e) for e in form.non_field_errors())
        messages.error(request, refusal or f"{fee} is not owed.")
        return redirect("devices:fee_detail", pk=fee.pk)
    return render(request, "devices/fee_detail.html", context, status=400)


@requires("devices.waive")
def fee_waive(request: HttpRequest, pk: int) -> HttpResponse:
    fee = queries.fee_for_page(pk)
    form = WaiveForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.waive_fee(fee=fee, reason=form.cleaned_data["reason"], by=acting_user(request))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{fee} was waived.")
            return redirect("devices:fee_detail", pk=fee.pk)
    context = {"fee": fee, "form": form, "balance": queries.money(fee.balance)}
    return render(request, "devices/fee_waive.html", context)
