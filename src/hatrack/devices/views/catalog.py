"""Catalog pages: device models (with their device counts) and kits; list, add, edit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from hatrack.core.lists import query_without_cursor
from hatrack.core.permissions import requires
from hatrack.devices.forms.catalog import DeviceModelForm, KitFilterForm, KitForm, ModelFilterForm
from hatrack.devices.holdings import device_list_url
from hatrack.devices.models import DeviceModel, Kit
from hatrack.devices.queries import catalog as queries
from hatrack.devices.services import catalog as services
from hatrack.directory.views.pages import acting_user, list_page


@requires("devices.view")
def model_list(request: HttpRequest) -> HttpResponse:
    form = ModelFilterForm(request.GET or None)
    filters = form.filters()
    return list_page(
        request,
        "devices/model_list.html",
        form=form,
        rows=queries.model_list_rows(filters),
        order=queries.MODEL_ORDER,
        present=queries.present_model_rows,
        filtered=bool(filters["q"] or filters["category"]) or filters["active"] != "active",
        query=query_without_cursor(request.GET),
    )


@requires("devices.view")
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    device_model = get_object_or_404(DeviceModel, pk=pk)
    context = {
        "device_model": device_model,
        "by_status": queries.model_status_counts(device_model),
        "kits": queries.model_kits(device_model),
        "devices_url": device_list_url(model=device_model.pk),
    }
    return render(request, "devices/model_detail.html", context)


@requires("devices.manage")
def model_create(request: HttpRequest) -> HttpResponse:
    form = DeviceModelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device_model = services.create_device_model(by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{device_model} was added to the catalog.")
            return redirect("devices:model_detail", pk=device_model.pk)
    return render(request, "devices/model_form.html", {"form": form, "device_model": None})


@requires("devices.manage")
def model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    device_model = get_object_or_404(DeviceModel, pk=pk)
    form = DeviceModelForm(request.POST or None, instance=device_model)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_device_model(
                device_model=device_model, by=acting_user(request), **form.values()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{device_model} was saved.")
            return redirect("devices:model_detail", pk=device_model.pk)
    context = {"form": form, "device_model": device_model}
    return render(request, "devices/model_form.html", context)


@requires("devices.view")
def kit_list(request: HttpRequest) -> HttpResponse:
    form = KitFilterForm(request.GET or None)
    filters = form.filters()
    return list_page(
        request,
        "devices/kit_list.html",
        form=form,
        rows=queries.kit_list_rows(filters),
        order=queries.KIT_ORDER,
        present=queries.present_kit_rows,
        filtered=bool(filters["q"] or filters["category"]) or filters["active"] != "active",
        query=query_without_cursor(request.GET),
    )


@requires("devices.manage")
def kit_create(request: HttpRequest) -> HttpResponse:
    form = KitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kit = services.create_kit(by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"The kit {kit} was added.")
            return redirect(reverse("devices:kit_list"))
    return render(request, "devices/kit_form.html", {"form": form, "kit": None})


@requires("devices.manage")
def kit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kit = get_object_or_404(Kit, pk=pk)
    form = KitForm(request.POST or None, instance=kit)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_kit(kit=kit, by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"The kit {kit} was saved.")
            return redirect(reverse("devices:kit_list"))
    return render(request, "devices/kit_form.html", {"form": form, "kit": kit})
