"""Department pages: the list (search, site and status filters), a department, create, edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from hatrack.core.permissions import requires
from hatrack.directory import queries, services
from hatrack.directory.forms import DepartmentFilterForm, DepartmentForm
from hatrack.directory.models import Department
from hatrack.directory.views.pages import acting_user, list_page


@requires("directory.view")
def department_list(request: HttpRequest) -> HttpResponse:
    form = DepartmentFilterForm(request.GET or None, site_choices=queries.site_choices())
    filters = form.filters()
    return list_page(
        request,
        "directory/department_list.html",
        form=form,
        rows=queries.department_list_rows(filters),
        order=queries.SITE_ORDER,
        present=queries.present_department_rows,
        filtered=bool(filters["q"] or filters["site"]) or filters["active"] != "active",
    )


@requires("directory.view")
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        department = queries.department_detail(pk)
    except Department.DoesNotExist as exc:
        raise Http404 from exc
    context = {
        "department": department,
        "people": queries.department_people(department),
        "history": queries.history(department),
    }
    return render(request, "directory/department_detail.html", context)


@requires("directory.change")
def department_create(request: HttpRequest) -> HttpResponse:
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            department = services.create_department(by=acting_user(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{department} was added.")
            return redirect(department)
    return render(request, "directory/department_form.html", {"form": form, "department": None})


@requires("directory.change")
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    form = DepartmentForm(request.POST or None, instance=department)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_department(
                department=department, by=acting_user(request), **form.values()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{department} was saved.")
            return redirect(department)
    return render(
        request, "directory/department_form.html", {"form": form, "department": department}
    )
