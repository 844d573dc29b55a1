"""The leader's lifecycle page: the fleet by model, age, site and status; what reaches
auto-update expiration or leaves warranty; repair rates; losses; the replacement bill."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from hatrack.core.permissions import requires
from hatrack.devices.lifecycle import CACHE_SECONDS, ModelFigures, Scope, lifecycle_for
from hatrack.directory.queries import site_choices


class LifecycleFilterForm(forms.Form):
    site = forms.TypedChoiceField(label="Site", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["site"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 (narrows the type)
        self.site_names = dict(site_choices())
        field.choices = [("", "All sites"), *self.site_names.items()]


def money(value: Decimal) -> str:
    return f"${value:,.0f}"


def _count(value: int) -> str:
    return f"{value:,}"


def _model_rows(models: list[ModelFigures]) -> list[dict[str, Any]]:
    rows = []
    for m in models:
        rate = m.repairs_per_100
        rows.append(
            {
                "label": m.label,
                "category": m.category,
                "aue": m.aue,
                "in_fleet": _count(m.in_fleet),
                "deployed": _count(m.by_status.get("deployed", 0) + m.by_status.get("loaner", 0)),
                "in_stock": _count(m.by_status.get("in_stock", 0)),
                "in_repair": _count(m.by_status.get("in_repair", 0)),
                "gone": _count(sum(m.by_status.get(s, 0) for s in ("lost", "stolen"))),
                "retired": _count(sum(m.by_status.get(s, 0) for s in ("retired", "disposed"))),
                "aue_past": _count(m.aue_past),
                "aue_near": _count(m.aue_near),
                "warranty_expired": _count(m.warranty_expired),
                "warranty_near": _count(m.warranty_near),
                "repairs": _count(m.repairs),
                "rate": "—" if rate is None else f"{rate:.1f}",
            }
        )
    return rows


def _cards(totals: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"label": "devices in the fleet", "value": _count(totals["in_fleet"])},
        {"label": "deployed", "value": _count(totals["deployed"])},
        {"label": "past auto-update expiration", "value": _count(totals["aue_past"])},
        {"label": "reach it within 12 months", "value": _count(totals["aue_near"])},
        {"label": "out of warranty", "value": _count(totals["warranty_expired"])},
        {
            "label": "to replace by the end of next year",
            "value": money(totals["replace_soon_cost"]),
        },
    ]


def present(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures as the page shows them: counts with separators, money in dollars."""
    rows = {
        m.id: row for m, row in zip(figures["models"], _model_rows(figures["models"]), strict=True)
    }
    return {
        "models": [rows[m.id] for m in figures["models"] if m.in_fleet],
        "expiring": [rows[m.id] for m in figures["expiring"]],
        "warranty": [rows[m.id] for m in figures["warranty"]],
        "repair_rates": [rows[m.id] for m in figures["repair_rates"]],
        "statuses": [{**r, "devices": _count(r["devices"])} for r in figures["statuses"]],
        "sites": [
            {k: v if k == "label" else _count(v) for k, v in r.items()} for r in figures["sites"]
        ],
        "ages": [{**r, "devices": _count(r["devices"])} for r in figures["ages"]],
        "losses": figures["losses"],
        "forecast": [
            {**r, "devices": _count(r["devices"]), "cost": money(r["cost"])}
            for r in figures["forecast"]
        ],
        "cards": _cards(figures["totals"]),
        "empty": not figures["totals"]["in_fleet"]
        and not any(r["devices"] for r in figures["statuses"]),
    }


@requires("devices.lifecycle")
def lifecycle(request: HttpRequest) -> HttpResponse:
    """The figures for the district or one site, with charts and tables (cached)."""
    form = LifecycleFilterForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "cache_seconds": CACHE_SECONDS // 60}
    if not form.is_bound or form.is_valid():
        site = form.cleaned_data.get("site") if form.is_bound else None
        report = lifecycle_for(
            Scope(site=site, today=timezone.localdate()), fresh=request.GET.get("refresh") == "1"
        )
        site_name = form.site_names.get(site) if site else None
        context.update(
            shown=present(report["figures"]),
            charts=report["charts"],
            computed_at=report["computed_at"],
            site_name=site_name,
            query=f"site={site}" if site else "",
        )
    return render(request, "devices/lifecycle.html", context)
