"""Asset labels: choose the label stock and the first free position, get a PDF.

The device list sends its selection here (`?ids=1,2,3`, or repeated `device=` values,
by GET or POST); this page shows what will print and the choices, and its own form
posts back with `stock` to get the PDF. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify

from hatrack.core.permissions import requires
from hatrack.devices import labels
from hatrack.devices.forms.labels import LabelForm, QRContent, selected_ids
from hatrack.devices.models import Device
from hatrack.workspace.navigation import district_name

# A PDF is drawn inside the request: reportlab's pure-Python QR encoder (it tries all
# eight masks, as the standard asks) costs about 15 ms a code on one core, so 300
# labels (ten sheets of 30) stay near five seconds. Bigger batches print in turns.
MAX_LABELS = 300
PREVIEW_SIZE = 12
LABEL_COLUMNS = ("id", "asset_tag", "serial_number", "model__manufacturer", "model__name")


def _label_rows(ids: list[int]) -> list[dict[str, Any]]:
    """The selected devices, by asset tag (devices without one last, by serial number)."""
    rows = Device.objects.filter(pk__in=ids).values(*LABEL_COLUMNS)
    return list(rows.order_by(F("asset_tag").asc(nulls_last=True), "serial_number"))


def _device_page() -> str:
    """The device page's address with a '{pk}' hole (one reverse for the whole sheet)."""
    return reverse("devices:device_detail", args=[123456789]).replace("123456789", "{pk}")


def _labels(rows: Iterable[dict[str, Any]], qr: str) -> list[labels.Label]:
    """The labels of `rows`, their QR codes holding the device's page, its code or nothing."""
    heading = district_name()
    page = _device_page() if qr == QRContent.LINK else None
    base = settings.HATRACK_BASE_URL.rstrip("/")
    result = []
    for row in rows:
        code = row["asset_tag"] or row["serial_number"]
        if qr == QRContent.NONE:
            link = ""
        elif page is not None:
            link = base + page.format(pk=row["id"])
        else:
            link = code
        model = f"{row['model__manufacturer']} {row['model__name']}".strip()
        result.append(
            labels.label_for(
                heading=heading, asset_tag=row["asset_tag"], model=model,
                serial_number=row["serial_number"], link=link,
            )
        )  # fmt: skip
    return result


def _pdf_response(rows: list[dict[str, Any]], form: LabelForm) -> HttpResponse:
    stock = labels.STOCKS[form.cleaned_data["stock"]]
    pdf = labels.render_labels(
        _labels(rows, form.cleaned_data["qr"]),
        stock=stock,
        start_at=form.cleaned_data["start_at"],
    )
    name = slugify(f"asset-labels-{len(rows)}-{stock.key}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _selection_problems(ids: list[int], bad: list[str]) -> list[str]:
    problems = []
    if bad:
        shown = ", ".join(bad[:5]) + ("…" if len(bad) > 5 else "")
        problems.append(f"These are not device ids and were left out: {shown}.")
    if not ids:
        problems.append("No devices are selected. Select devices in the device list first.")
    elif len(ids) > MAX_LABELS:
        problems.append(
            f"{len(ids):,} devices are selected; print at most {MAX_LABELS:,} labels at a "
            "time. Narrow the selection and print the rest in another batch."
        )
    return problems


@requires("devices.work")
def label_sheet(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    ids, bad = selected_ids(data)
    problems = _selection_problems(ids, bad)
    submitted = request.method == "POST" and "stock" in data
    form = LabelForm(data if submitted else None)
    rows = _label_rows(ids) if ids and len(ids) <= MAX_LABELS else []
    if ids and rows and len(rows) < len(ids) <= MAX_LABELS:
        gone = len(ids) - len(rows)
        problems.append(f"{gone:,} of the selected devices no longer exist and are left out.")
    if submitted and form.is_valid() and rows:
        return _pdf_response(rows, form)
    context = {
        "form": form,
        "ids": ",".join(str(row["id"]) for row in rows),
        "count": len(rows),
        "preview": rows[:PREVIEW_SIZE],
        "more": max(0, len(rows) - PREVIEW_SIZE),
        "problems": problems,
        "sheets": _sheet_counts(len(rows)),
        "empty_text": (
            "Select devices in the device list, then choose Print labels. "
            f"At most {MAX_LABELS:,} labels print at a time."
        ),
    }
    status = 400 if submitted else 200
    return render(request, "devices/labels_form.html", context, status=status)


def _sheet_counts(count: int) -> list[dict[str, Any]]:
    return [
        {
            "name": stock.name.split(":")[0].split(" / ")[0],
            "pages": labels.pages_needed(count, stock),
            "roll": stock.is_roll,
        }
        for stock in labels.STOCKS.values()
    ]
