"""Vendor and funding source pages: the lists (search, filters, keyset pages), add, edit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from hatrack.core.permissions import requires
from hatrack.directory import catalog_services as services
from hatrack.directory.catalog_forms import (
    FundingFilterForm,
    FundingSourceForm,
    VendorFilterForm,
    VendorForm,
)
from hatrack.directory.models import FundingSource, Vendor
from hatrack.directory.queries import catalog as queries
from hatrack.directory.views.pages import acting_user, list_page


@requires("directory.view")
def vendor_list(request: HttpRequest) -> HttpResponse:
    form = VendorFilterForm(request.GET or None)
    filters = form.filters()
    return list_page(
        request,
        "directory/vendor_list.html",
        form=form,
        rows=queries.vendor_list_rows(filters),
        order=queries.NAME_ORDER,
        present=queries.present_vendor_rows,
        filtered=bool(filters["q"]) or filters["active"] != "active",
    )


@requires("directory.change")
def vendor_create(request: HttpRequest) -> HttpResponse:
    form = VendorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vendor = services.create_vendor(by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{vendor} was added.")
            return redirect("directory:vendor_list")
    return render(request, "directory/vendor_form.html", {"form": form, "vendor": None})


@requires("directory.change")
def vendor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = get_object_or_404(Vendor, pk=pk)
    form = VendorForm(request.POST or None, instance=vendor)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_vendor(vendor=vendor, by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{vendor} was saved.")
            return redirect("directory:vendor_list")
    return render(request, "directory/vendor_form.html", {"form": form, "vendor": vendor})


@requires("directory.view")
def funding_list(request: HttpRequest) -> HttpResponse:
    form = FundingFilterForm(request.GET or None)
    filters = form.filters()
    return list_page(
        request,
        "directory/funding_list.html",
        form=form,
        rows=queries.funding_list_rows(filters),
        order=queries.NAME_ORDER,
        present=queries.present_funding_rows,
        filtered=bool(filters["q"] or filters["kind"]) or filters["active"] != "active",
    )


@requires("directory.change")
def funding_create(request: HttpRequest) -> HttpResponse:
    form = FundingSourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.create_funding_source(by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{source} was added.")
            return redirect("directory:funding_list")
    return render(request, "directory/funding_form.html", {"form": form, "source": None})


@requires("directory.change")
def funding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(FundingSource, pk=pk)
    form = FundingSourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_funding_source(source=source, by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{source} was saved.")
            return redirect("directory:funding_list")
    return render(request, "directory/funding_form.html", {"form": form, "source": source})
