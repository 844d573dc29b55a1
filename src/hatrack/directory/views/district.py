"""The district profile: one page to read it, one to edit it (creating it the first time)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hatrack.core.permissions import requires
from hatrack.directory import queries, services
from hatrack.directory.forms import DistrictForm
from hatrack.directory.views.pages import acting_user


@requires("directory.view")
def district_detail(request: HttpRequest) -> HttpResponse:
    district = queries.district()
    history = queries.history(district) if district else []
    return render(
        request, "directory/district_detail.html", {"district": district, "history": history}
    )


@requires("directory.change")
def district_edit(request: HttpRequest) -> HttpResponse:
    district = queries.district()
    form = DistrictForm(request.POST or None, instance=district)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_district(by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The district profile was saved.")
            return redirect("directory:district")
    return render(request, "directory/district_form.html", {"form": form, "district": district})
