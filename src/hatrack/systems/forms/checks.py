"""Page forms for health checks: a check, and the list's filters. Labels and parsing only;
`services.checks` validates (the guard against internal addresses included) and writes."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from hatrack.directory.forms import FilterForm, ServiceForm, search_field
from hatrack.systems.models import Check, CheckKind, CheckState, System
from hatrack.systems.services.checks import EDITABLE


class CheckForm(ServiceForm):
    system = forms.ModelChoiceField(
        queryset=System.objects.none(), label="System", empty_label="Choose a system"
    )

    class Meta:
        model = Check
        fields = ["system", *EDITABLE]
        labels = {
            "target": "Target",
            "port": "Port",
            "expected": "Expected",
            "must_contain": "Text that must appear",
            "must_not_contain": "Text that must not appear",
            "dns_record_type": "DNS record type",
            "tls_warn_days": "Warn this many days before the certificate expires",
            "interval_seconds": "Run every (seconds)",
            "timeout_seconds": "Timeout (seconds)",
            "degrades_only": "A failure only degrades the system",
        }
        help_texts = {
            "target": "HTTP(S): the full address (https://sis.district.org/health). "
            "TCP, DNS and TLS: the host name.",
            "port": "TCP: required. TLS: 443 unless given.",
            "expected": "HTTP: accepted status codes, like 200-299,301 (default 200-399). "
            "DNS: a value the answer must contain.",
            "must_contain": "HTTP only; looked for in the first megabyte of the page.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[System]", self.fields["system"])
        field.queryset = System.objects.active().only("id", "name").order_by("name")
        if self.instance.pk:
            del self.fields["system"]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE}


class CheckFilterForm(FilterForm):
    q = search_field("Check name or target")
    state = forms.ChoiceField(
        required=False, label="State", choices=[("", "Any state"), *CheckState.choices]
    )
    kind = forms.ChoiceField(
        required=False, label="Kind", choices=[("", "Any kind"), *CheckKind.choices]
    )
    system = forms.TypedChoiceField(
        required=False, label="System", coerce=int, empty_value=None, choices=[]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        systems = System.objects.filter(checks__isnull=False).distinct().order_by("name")
        field = cast("forms.ChoiceField", self.fields["system"])
        field.choices = [("", "Any system"), *systems.values_list("id", "name")]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or None for name in self.fields}
