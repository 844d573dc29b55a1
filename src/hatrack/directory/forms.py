"""Page forms for the district model: validation and labels; the services do the writing.

Each form works on a copy of the record it edits, so a form that fails validation never
alters the record the view holds, and the service can compare before and after.
"""

import copy
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from hatrack.directory.models import GRADE_ORDER, Department, District, Grade, Person, Site

ACTIVE_CHOICES = [("active", "Active"), ("inactive", "Inactive"), ("all", "Active and inactive")]


class ServiceForm(forms.ModelForm):  # type: ignore[type-arg]
    """A ModelForm that validates a copy of its record and hands clean values to a service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("instance") is not None:
            kwargs["instance"] = copy.copy(kwargs["instance"])
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        """The cleaned values of the model's fields, ready for `create_x(**values)`."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


def _choose_from(field: forms.Field, queryset: QuerySet[Any], empty_label: str) -> None:
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{field!r} does not choose from a queryset")
    field.queryset = queryset
    field.empty_label = empty_label


class PersonForm(ServiceForm):
    class Meta:
        model = Person
        fields = [
            "given_name",
            "middle_name",
            "family_name",
            "role",
            "grade",
            "primary_site",
            "department",
            "email",
            "sis_id",
            "username",
        ]
        labels = {"primary_site": "Site", "sis_id": "SIS id"}
        help_texts = {"grade": "For students; leave empty for staff."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self.fields["primary_site"], Site.objects.only("id", "name"), "No site")
        _choose_from(
            self.fields["department"], Department.objects.only("id", "name"), "No department"
        )


class SiteForm(ServiceForm):
    class Meta:
        model = Site
        fields = [
            "name",
            "code",
            "kind",
            "grade_low",
            "grade_high",
            "nces_school_id",
            "street",
            "city",
            "state",
            "postal_code",
            "phone",
            "active",
        ]
        labels = {"grade_low": "Lowest grade", "grade_high": "Highest grade"}
        help_texts = {
            "nces_school_id": "12 digits, from the NCES Common Core of Data. Optional.",
            "active": "Inactive sites stay on record but leave the lists and pickers.",
        }
        error_messages = {"code": {"unique": "Another site already uses this code."}}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("grade_low"), data.get("grade_high")
        if low and high and GRADE_ORDER[low] > GRADE_ORDER[high]:
            self.add_error(
                "grade_high", "The highest grade comes before the lowest grade; swap them."
            )
        return data


class PersonReferenceField(forms.CharField):
    """A person named by SIS id or email: a text box instead of a 500,000-row dropdown."""

    default_error_messages = {
        "missing": "No person has this SIS id or email.",
        "ambiguous": "Several people share this SIS id or email; use the other one.",
    }

    def to_python(self, value: Any) -> Person | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        column = "email__iexact" if "@" in text else "sis_id"
        matches = list(Person.objects.filter(**{column: text}).only("id", "given_name")[:2])
        if not matches:
            raise ValidationError(self.error_messages["missing"], code="missing")
        if len(matches) > 1:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        return matches[0]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            value = Person.objects.filter(pk=value).only("sis_id", "email").first()
        if isinstance(value, Person):
            return value.email or value.sis_id
        return value


class DepartmentForm(ServiceForm):
    head = PersonReferenceField(
        required=False,
        label="Head",
        help_text="The person who leads it: their email or SIS id. Optional.",
    )

    class Meta:
        model = Department
        fields = ["name", "code", "site", "head", "description", "active"]
        error_messages = {"code": {"unique": "Another department already uses this code."}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self.fields["site"], Site.objects.only("id", "name"), "District-wide")


class DistrictForm(ServiceForm):
    website = forms.URLField(required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = District
        fields = [
            "name",
            "nces_lea_id",
            "state",
            "enrollment",
            "locale",
            "time_zone",
            "website",
            "email_domains",
        ]
        help_texts = {
            "nces_lea_id": "7 digits, from the NCES Common Core of Data.",
            "time_zone": "Dates and times are shown in this zone, e.g. America/Chicago.",
            "email_domains": "Comma separated, e.g. mvusd.org, students.mvusd.org.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The district is one row with pk 1; the first save creates it.
        if kwargs.get("instance") is None:
            kwargs["instance"] = District(pk=1)
        super().__init__(*args, **kwargs)

    def clean_time_zone(self) -> str:
        import zoneinfo

        name = str(self.cleaned_data["time_zone"]).strip()
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError(
                "Not a time zone we know; use a name like America/New_York."
            ) from exc
        return name


def _set_choices(field: forms.Field, choices: list[tuple[Any, str]]) -> None:
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{field!r} offers no choices")
    field.choices = choices


def search_field(placeholder: str) -> forms.CharField:
    """A list's search box."""
    return forms.CharField(
        required=False,
        label="Search",
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": placeholder, "autocomplete": "off"}
        ),
    )


def site_field() -> forms.TypedChoiceField:
    """A filter by site; its choices come from the form's `site_choices`."""
    return forms.TypedChoiceField(
        required=False, label="Site", coerce=int, empty_value=None, choices=()
    )


def status_field() -> forms.ChoiceField:
    """Active, inactive or all; the lists show active records unless told otherwise."""
    return forms.ChoiceField(required=False, choices=ACTIVE_CHOICES, label="Status")


class FilterForm(forms.Form):
    """A list's search box and filters, read from the query string.

    `selects()` gives each choice filter as plain data for a hand-written `<select>`:
    Django renders every `<option>` of a widget through its own template, which costs
    more than the rest of a 50-row list page.
    """

    def __init__(
        self, *args: Any, site_choices: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if site_choices is not None:
            _set_choices(self.fields["site"], [("", "Any site"), *site_choices])

    def filters(self) -> dict[str, Any]:
        """Clean filter values; anything invalid is ignored rather than failing the page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        values = {
            name: data.get(name) or (None if isinstance(field, forms.TypedChoiceField) else "")
            for name, field in self.fields.items()
        }
        values["active"] = values["active"] or "active"
        return values

    def selects(self) -> list[dict[str, Any]]:
        chosen = self.data if self.is_bound else {}
        selects = []
        for name, field in self.fields.items():
            if not isinstance(field, forms.ChoiceField):
                continue
            current = str(chosen.get(name) or "")
            options = [
                {"value": str(value), "label": label, "selected": str(value) == current}
                for value, label in cast("list[tuple[Any, str]]", field.choices)
            ]
            selects.append(
                {"name": name, "id": f"id_{name}", "label": field.label, "options": options}
            )
        return selects


class PersonFilterForm(FilterForm):
    """The people list's search box and filters, read from the query string."""

    q = search_field("Name, email or SIS id")
    role = forms.ChoiceField(
        required=False, label="Role", choices=[("", "Any role"), *Person.Role.choices]
    )
    site = site_field()
    grade = forms.ChoiceField(
        required=False, label="Grade", choices=[("", "Any grade"), *Grade.choices]
    )
    active = status_field()


class SiteFilterForm(FilterForm):
    q = search_field("Name, code or city")
    kind = forms.ChoiceField(
        required=False, label="Kind", choices=[("", "Any kind"), *Site.Kind.choices]
    )
    active = status_field()


class DepartmentFilterForm(FilterForm):
    q = search_field("Name or code")
    site = site_field()
    active = status_field()
