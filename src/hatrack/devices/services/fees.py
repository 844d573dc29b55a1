"""Damage and loss fees charged to a student's family, their payments and waivers.

Money is Decimal with two places throughout. Each function checks the role (fees need
devices.fees, a waiver devices.waive), runs in one transaction with the fee row locked,
records an audit entry on the fee, and raises ValidationError with a message beside the
field ("The payment is more than the 20.00 still owed") having written nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hatrack.core import audit
from hatrack.core.permissions import can
from hatrack.devices.models import DamageType, Device, Fee, FeePayment, Repair
from hatrack.devices.services.repairs import clean_money

if TYPE_CHECKING:
    from hatrack.accounts.models import User
    from hatrack.directory.models import Person


def _require(by: User, action: str, doing: str) -> None:
    if not can(by, action):
        who = "technology leaders" if action == "devices.waive" else "technicians and leaders"
        raise ValidationError(f"Only {who} can {doing}.")


def lock_fee(fee: Fee) -> Fee:
    """The fee row, locked until the transaction ends (call inside atomic)."""
    return Fee.objects.select_for_update().get(pk=fee.pk)


def charge_fee(
    *,
    device: Device,
    person: Person,
    damage_type: str,
    amount: Decimal | str,
    by: User,
    repair: Repair | None = None,
    notes: str = "",
) -> Fee:
    """Charge `person`'s family `amount` for damage to or loss of `device`, optionally for
    one of its repairs. The fee starts unpaid. Audited on the fee."""
    _require(by, "devices.fees", "charge fees")
    if damage_type not in DamageType.values:
        raise ValidationError({"damage_type": "Choose the damage from the list."})
    money = clean_money(amount, field="amount", label="amount", allow_zero=False)
    if repair is not None and repair.device_id != device.pk:
        raise ValidationError({"repair": f"{repair} is the repair of another device."})
    with transaction.atomic():
        fee = Fee.objects.create(
            person=person, device=device, repair=repair, damage_type=damage_type,
            amount=money, notes=notes.strip(), charged_at=timezone.now(), charged_by=by,
        )  # fmt: skip
        audit.record_create(fee, by=by)
    return fee


def _status_for(fee: Fee) -> str:
    if fee.amount_paid >= fee.amount:
        return Fee.Status.PAID
    return Fee.Status.PARTIAL if fee.amount_paid > 0 else Fee.Status.UNPAID


def record_payment(
    *,
    fee: Fee,
    amount: Decimal | str,
    method: str,
    paid_on: datetime.date,
    by: User,
    reference: str = "",
) -> FeePayment:
    """Record a payment towards a fee; the amount paid and the status (partly paid,
    paid) follow. Refused beyond the balance, on a waived or paid fee, or dated ahead."""
    _require(by, "devices.fees", "record payments")
    money = clean_money(amount, field="amount", label="payment", allow_zero=False)
    if method not in FeePayment.Method.values:
        raise ValidationError({"method": "Choose how it was paid."})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "The payment date cannot be in the future."})
    reference = reference.strip()
    if len(reference) > 100:
        raise ValidationError({"reference": "Keep the reference under 100 characters."})
    with transaction.atomic():
        fee = lock_fee(fee)
        if fee.status == Fee.Status.WAIVED:
            raise ValidationError(f"{fee} was waived; nothing is owed.")
        if fee.status == Fee.Status.PAID:
            raise ValidationError(f"{fee} is already paid in full.")
        if money > fee.balance:
            raise ValidationError(
                {"amount": f"The payment is more than the {fee.balance} still owed."}
            )
        payment = FeePayment.objects.create(
            fee=fee, amount=money, method=method, paid_on=paid_on,
            reference=reference, recorded_by=by,
        )  # fmt: skip
        before = audit.snapshot(fee)
        old_paid = fee.amount_paid
        fee.amount_paid += money
        fee.status = _status_for(fee)
        fee.save()
        changes = audit.diff(before, audit.snapshot(fee))
        changes["amount_paid"] = [str(old_paid), str(fee.amount_paid)]
        summary = f"Payment of {money} ({payment.get_method_display().lower()}) recorded"
        audit.record_event(fee, by=by, summary=summary, changes=changes)
    return payment


def waive_fee(*, fee: Fee, reason: str, by: User) -> Fee:
    """Waive what is still owed on a fee (hardship, accidental damage under the policy).
    Needs devices.waive (technology leaders). Payments already made stay recorded."""
    _require(by, "devices.waive", "waive fees")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the waiver."})
    if len(reason) > 300:
        raise ValidationError({"reason": "Keep the reason under 300 characters."})
    with transaction.atomic():
        fee = lock_fee(fee)
        if fee.status == Fee.Status.WAIVED:
            raise ValidationError(f"{fee} is already waived.")
        if fee.status == Fee.Status.PAID:
            raise ValidationError(f"{fee} is paid in full; there is nothing to waive.")
        before = audit.snapshot(fee)
        fee.status = Fee.Status.WAIVED
        fee.waived_reason = reason
        fee.waived_by = by
        fee.save()
        changes = audit.diff(before, audit.snapshot(fee))
        audit.record_event(fee, by=by, summary=f"Waived: {reason}", changes=changes)
    return fee
