"""Room pages: add a room to a site, edit one. A site's page lists its rooms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from hatrack.core.permissions import requires
from hatrack.directory import catalog_services as services
from hatrack.directory.catalog_forms import RoomForm
from hatrack.directory.models import Room, Site
from hatrack.directory.views.pages import acting_user


@requires("directory.change")
def room_create(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=site_pk)
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            room = services.create_room(site=site, by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{room.name} was added to {site.name}.")
            return redirect(site)
    return render(request, "directory/room_form.html", {"form": form, "site": site, "room": None})


@requires("directory.change")
def room_edit(request: HttpRequest, pk: int) -> HttpResponse:
    room = get_object_or_404(Room.objects.select_related("site"), pk=pk)
    form = RoomForm(request.POST or None, instance=room)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_room(room=room, by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{room.name} was saved.")
            return redirect(room.site)
    context = {"form": form, "site": room.site, "room": room}
    return render(request, "directory/room_form.html", context)
