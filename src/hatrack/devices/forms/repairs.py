"""Page forms for repairs, loaners and fees: validation, labels and look-ups (a ticket by
its reference, a device by its tag, a person by their id). The services check the rules
and write; a ValidationError they raise lands beside the field it names."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from hatrack.devices.models import DamageType, Device, FeePayment, Repair, normalize_code
from hatrack.devices.services.repairs import Outcome
from hatrack.directory.forms import FilterForm
from hatrack.directory.models import Person, Vendor

if TYPE_CHECKING:
    from hatrack.accounts.models import User
    from hatrack.servicedesk.models import Ticket

MONEY_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "class": "money"}
OPEN_STATUS_CHOICES = [(s.value, s.label) for s in Repair.OPEN_STATUSES]


def _vendor_field() -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        queryset=Vendor.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="No vendor (repaired here)",
        help_text="Where the device went for repair or warranty service.",
    )


def _money_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=Decimal(0), max_digits=10, decimal_places=2,
        help_text=help_text, widget=forms.TextInput(attrs=MONEY_ATTRS),
    )  # fmt: skip


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


class RepairFilterForm(FilterForm):
    STATUS_CHOICES = [
        ("", "Open repairs"),
        *OPEN_STATUS_CHOICES,
        ("closed", "Closed repairs"),
        ("all", "All repairs"),
    ]
    status = forms.ChoiceField(required=False, label="Status", choices=STATUS_CHOICES)
    site = forms.TypedChoiceField(
        required=False, label="Site", coerce=int, empty_value=None, choices=()
    )
    damage = forms.ChoiceField(
        required=False, label="Damage", choices=[("", "Any damage"), *DamageType.choices]
    )
    vendor = forms.TypedChoiceField(
        required=False, label="Vendor", coerce=int, empty_value=None, choices=()
    )

    def __init__(
        self,
        *args: Any,
        site_choices: list[tuple[int, str]],
        vendor_choices: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, site_choices=site_choices, **kwargs)
        vendor = self.fields["vendor"]
        if isinstance(vendor, forms.ChoiceField):
            vendor.choices = [("", "Any vendor"), *vendor_choices]

    def filters(self) -> dict[str, Any]:
        """Clean filter values; anything invalid is ignored rather than failing the page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or None for name in self.fields}


class FeeFilterForm(FilterForm):
    STATUS_CHOICES = [
        ("", "Still owed"),
        ("unpaid", "Unpaid"),
        ("partial", "Partly paid"),
        ("paid", "Paid"),
        ("waived", "Waived"),
        ("all", "All fees"),
    ]
    status = forms.ChoiceField(required=False, label="Status", choices=STATUS_CHOICES)
    site = forms.TypedChoiceField(
        required=False, label="School", coerce=int, empty_value=None, choices=()
    )

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or None for name in self.fields}


class TicketReferenceField(forms.CharField):
    """'HT-000123', 'ht-123' or '123': the ticket's number, or None when left empty."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = str(value or "").strip().upper()
        if not text:
            return None
        number = text.removeprefix("HT-").lstrip("#")
        if not number.isdigit() or len(number) > 18:
            raise ValidationError("Type the ticket's reference, such as HT-000123.")
        return int(number)


class RepairForm(forms.Form):
    """Opening a repair: the problem, the damage, and where it goes."""

    problem = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is wrong, as the student or teacher described it.",
    )
    damage_type = forms.ChoiceField(label="Damage", choices=DamageType.choices)
    ticket = TicketReferenceField(
        label="Service desk ticket",
        required=False,
        help_text="Optional: the ticket that reported it, such as HT-000123.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "HT-000123"}),
    )
    vendor = _vendor_field()
    warranty_claim = forms.BooleanField(required=False, label="Warranty claim")
    claim_number = forms.CharField(
        required=False, max_length=100, help_text="The vendor's or manufacturer's case number."
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_ticket(self) -> Ticket | None:
        number = self.cleaned_data.get("ticket")
        if number is None:
            return None
        from hatrack.servicedesk.models.tickets import format_reference
        from hatrack.servicedesk.queries import tickets_visible_to

        ticket = tickets_visible_to(self.user).filter(pk=number).first()
        if ticket is None:
            raise ValidationError(f"There is no ticket {format_reference(number)} you can see.")
        return ticket


class RepairEditForm(forms.Form):
    """An open repair's progress, vendor, claim and labour."""

    status = forms.ChoiceField(choices=OPEN_STATUS_CHOICES, label="Progress")
    problem = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    damage_type = forms.ChoiceField(label="Damage", choices=DamageType.choices)
    vendor = _vendor_field()
    warranty_claim = forms.BooleanField(required=False, label="Warranty claim")
    claim_number = forms.CharField(required=False, max_length=100)
    labor_cost = _money_field("Labour cost ($)", help_text="The vendor's or our own labour.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        vendor = self.fields["vendor"]
        repair = self.initial.get("repair")
        if isinstance(vendor, forms.ModelChoiceField) and isinstance(repair, Repair):
            # A vendor marked inactive since stays choosable on the repairs it already has.
            vendor.queryset = Vendor.objects.filter(
                Q(active=True) | Q(pk=repair.vendor_id)
            ).order_by("name")


class RepairPartForm(forms.Form):
    description = forms.CharField(label="Part", max_length=200)
    part_number = forms.CharField(label="Part number", required=False, max_length=100)
    quantity = forms.IntegerField(min_value=1, max_value=999, initial=1)
    unit_cost = _money_field("Unit cost ($)")


def find_device(code: str) -> Device | None:
    """A device by its asset tag or serial number, as scanned or typed."""
    normalized = normalize_code(code)
    if not normalized:
        return None
    return (
        Device.objects.select_related("model")
        .filter(Q(asset_tag=normalized) | Q(serial_number=normalized))
        .first()
    )


class DeviceTagForm(forms.Form):
    """The broken device, scanned or typed, to open a repair for it."""

    tag = forms.CharField(
        label="Device's asset tag",
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "Scan or type"}),
    )

    def clean_tag(self) -> Device:
        code = self.cleaned_data.get("tag") or ""
        device = find_device(code)
        if device is None:
            raise ValidationError(f"No device has the tag or serial number {normalize_code(code)}.")
        return device


class LoanerForm(forms.Form):
    """The loaner, scanned or typed by its asset tag (or serial number)."""

    loaner = forms.CharField(
        label="Loaner's asset tag",
        max_length=64,
        help_text="Scan the label or type the tag or serial number of a device in stock.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    due_on = forms.DateField(
        label="Due back",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Optional: when the loaner should come back.",
    )

    def clean_loaner(self) -> Device:
        code = self.cleaned_data.get("loaner") or ""
        device = find_device(code)
        if device is None:
            raise ValidationError(f"No device has the tag or serial number {normalize_code(code)}.")
        return device


LOANER_CHOICES = [
    ("", "Collect it if the device goes back to the student"),
    ("collect", "Collect it now"),
    ("keep", "The student keeps it for now"),
]


class RepairCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (Outcome.REPAIRED.value, "Repaired"),
            (Outcome.UNREPAIRABLE.value, "Beyond repair: retire the device"),
            (Outcome.CANCELLED.value, "Cancelled: nothing was wrong, or opened by mistake"),
        ],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was done, for the device's history.",
    )
    return_to_holder = forms.BooleanField(required=False, label="Return it to the student")
    loaner = forms.ChoiceField(required=False, label="Loaner", choices=LOANER_CHOICES)

    def collect_loaner(self) -> bool | None:
        return {"collect": True, "keep": False}.get(self.cleaned_data.get("loaner") or "")


def find_person(code: str) -> Person | None:
    """A person by their SIS id, email or username (what a technician types)."""
    text = code.strip()
    if not text:
        return None
    return (
        Person.objects.filter(Q(sis_id=text) | Q(email__iexact=text) | Q(username__iexact=text))
        .order_by("-active", "id")
        .first()
    )


class FeeForm(forms.Form):
    person = forms.CharField(
        label="Charged to",
        max_length=254,
        help_text="The student's or staff member's id, email or username.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    damage_type = forms.ChoiceField(label="Damage", choices=DamageType.choices)
    amount = _money_field("Amount ($)")
    repair = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="For the repair", choices=()
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, repairs: list[Repair], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.repairs = {r.pk: r for r in repairs}
        field = self.fields["repair"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [
                ("", "No repair"),
                *((r.pk, f"{r} ({r.opened_at:%b %-d, %Y}): {r.problem[:60]}") for r in repairs),
            ]

    def clean_person(self) -> Person:
        person = find_person(self.cleaned_data.get("person") or "")
        if person is None:
            raise ValidationError("Nobody in the directory has that id, email or username.")
        return person

    def clean_repair(self) -> Repair | None:
        pk = self.cleaned_data.get("repair")
        return self.repairs.get(pk) if pk is not None else None


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount ($)", min_value=Decimal("0.01"), max_digits=10, decimal_places=2,
        widget=forms.TextInput(attrs=MONEY_ATTRS),
    )  # fmt: skip
    method = forms.ChoiceField(choices=FeePayment.Method.choices)
    paid_on = forms.DateField(
        label="Paid on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reference = forms.CharField(
        required=False, max_length=100, help_text="Receipt or check number."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate


class WaiveForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the family does not pay what is still owed (kept with the fee).",
    )
