"""The label page's print choices, and reading the device list's selection."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from hatrack.devices import labels


class QRContent:
    LINK = "link"
    CODE = "code"
    NONE = "none"
    CHOICES = (
        (LINK, "The device's page in Hatrack (a phone's camera opens it)"),
        (CODE, "The asset tag (for other scanning systems)"),
        (NONE, "No QR code"),
    )


class LabelForm(forms.Form):
    """The print choices; the selection travels beside it as `ids`."""

    stock = forms.ChoiceField(
        label="Label stock",
        choices=[(stock.key, stock.name) for stock in labels.STOCKS.values()],
        initial=labels.DEFAULT_STOCK,
        widget=forms.RadioSelect,
    )
    start_at = forms.IntegerField(
        label="Start at label",
        min_value=1,
        initial=1,
        help_text=(
            "On a partly used sheet, the first free label, counted along the rows from the "
            "top left (on a sheet of 30, three to a row, the first label of the third row "
            "is 7). A roll always starts at 1."
        ),
    )
    qr = forms.ChoiceField(label="QR code holds", choices=QRContent.CHOICES, initial=QRContent.LINK)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        stock = labels.STOCKS.get(data.get("stock", ""))
        start_at = data.get("start_at")
        if stock and start_at and start_at > stock.per_page:
            if stock.is_roll:
                data["start_at"] = 1  # a roll has no used positions to skip
            else:
                self.add_error(
                    "start_at",
                    f"{stock.name.split(':')[0]} has {stock.per_page} labels a sheet; "
                    f"start at 1 to {stock.per_page}.",
                )
        return data


def selected_ids(data: QueryDict) -> tuple[list[int], list[str]]:
    """The device ids of a selection (`ids=1,2,3` and/or repeated `device=`), in order
    and without repeats, and whatever was not an id."""
    values = [part for value in data.getlist("ids") for part in value.split(",")]
    values += data.getlist("device")
    ids: dict[int, None] = {}
    bad = []
    for value in (v.strip() for v in values):
        if value.isdigit() and 0 < int(value) < 2**63:
            ids[int(value)] = None
        elif value:
            bad.append(value)
    return list(ids), bad
