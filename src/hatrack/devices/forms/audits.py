"""The form that starts a physical audit: a site, and optionally one of its rooms."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.urls import reverse

from hatrack.directory.models import Room, Site


class RoomChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Rooms by their own name: the form has already said which site."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class StartAuditForm(forms.Form):
    """Where to audit: a site, and optionally one of its rooms (listed once the site is
    chosen)."""

    site = forms.ModelChoiceField(
        queryset=Site.objects.active().only("id", "name"), empty_label="Choose a site"
    )
    room = RoomChoiceField(
        queryset=Room.objects.none(),
        required=False,
        empty_label="The whole site",
        help_text="Audit one room, lab or closet, or leave as the whole site.",
    )
    notes = forms.CharField(
        required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, site_id: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = self.data.get("site", "") if self.is_bound else site_id
        room = cast("RoomChoiceField", self.fields["room"])
        if str(chosen).isdigit():
            room.queryset = Room.objects.filter(site_id=int(chosen), active=True).only(
                "id", "name", "site_id"
            )
        # Choosing a site swaps in its rooms (htmx); without JavaScript, the whole site.
        self.fields["site"].widget.attrs.update(
            {
                "hx-get": f"{reverse('devices:audit_list')}?part=rooms",
                "hx-trigger": "change",
                "hx-target": "#room-field",
                "hx-swap": "outerHTML",
            }
        )
