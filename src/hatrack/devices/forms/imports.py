"""Forms of the device import pages: the upload, and the column mapping of a spreadsheet."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from hatrack.devices.importers.formats import FORMATS
from hatrack.devices.importers.rows import FIELDS

# Which files each format accepts: Intune's export arrives as a .zip holding the CSV.
ACCEPTED = {"google": (".csv",), "intune": (".csv", ".zip"), "csv": (".csv", ".xlsx")}


def limit_label() -> str:
    return str(filesizeformat(settings.HATRACK_MAX_IMPORT_UPLOAD))


class DeviceUploadForm(forms.Form):
    format = forms.ChoiceField(
        label="Format",
        choices=list(FORMATS.items()),
        widget=forms.RadioSelect,
        initial="google",
    )
    export = forms.FileField(
        label="Export file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.zip"}),
        help_text="Google Admin: the CSV from Devices › Chrome › Devices › Download. Intune: "
        "the .zip or CSV from Devices › All devices › Export. Other lists: CSV or XLSX.",
    )
    create_missing = forms.BooleanField(
        label="Add devices Hatrack does not know yet",
        required=False,
        initial=True,
        help_text="Without this, devices missing from Hatrack are only listed.",
    )
    skip_bad_rows = forms.BooleanField(
        label="Skip bad rows",
        required=False,
        help_text="Import the good rows and list the bad ones. Without this, a file with any "
        "bad row is refused whole and nothing changes.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload: UploadedFile[Any] | None = data.get("export")
        fmt = data.get("format")
        if upload is None or fmt not in ACCEPTED:
            return data
        if (upload.size or 0) > settings.HATRACK_MAX_IMPORT_UPLOAD:
            self.add_error(
                "export",
                f"The file is {filesizeformat(upload.size or 0)}; the limit is {limit_label()}.",
            )
        name = (upload.name or "").lower()
        if not name.endswith(ACCEPTED[fmt]):
            wanted = " or ".join(ACCEPTED[fmt])
            self.add_error("export", f"For this format, upload a {wanted} file.")
        return data


class MappingForm(forms.Form):
    """One select per Hatrack field, offering the file's own headers."""

    def __init__(self, headers: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "— not in this file —"), *((h, h) for h in headers)]
        for name, label in FIELDS.items():
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)
        self.fields["serial_number"].required = True
        self.fields["serial_number"].error_messages["required"] = (
            "Choose the column that holds the serial number."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used: dict[str, str] = {}
        for name in FIELDS:
            column = data.get(name)
            if column and column in used:
                self.add_error(name, f"“{column}” is already mapped to {used[column]}.")
            elif column:
                used[column] = FIELDS[name].lower()
        return data

    def mapping(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in FIELDS if self.cleaned_data.get(name)}
