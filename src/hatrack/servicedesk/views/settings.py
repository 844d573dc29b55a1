"""The desk's settings for technology leaders: the index, queues and their categories.
Teams are in `settings_teams`, automation rules in `settings_rules`."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse

from hatrack.accounts.models import User
from hatrack.core.lists import keyset_page
from hatrack.core.permissions import requires
from hatrack.servicedesk.forms.settings import CategoryForm, QueueForm, category_paths
from hatrack.servicedesk.models import Category, Queue
from hatrack.servicedesk.services import queues as services

QUEUE_ORDER = ("name", "id")


def acting_user(request: HttpRequest) -> User:
    """The signed-in leader; `requires` has already turned everyone else away."""
    return cast("User", request.user)


def add_service_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's refusal on the form: beside the field it names when the form
    has that field, above the form otherwise."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _url_if_known(name: str) -> str | None:
    """A page another part of the desk provides, if it is there."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@requires("servicedesk.manage")
def settings_index(request: HttpRequest) -> HttpResponse:
    """Every setting of the desk, one link each."""
    context = {
        "sla_url": _url_if_known("servicedesk:sla_list"),
        "mailbox_url": _url_if_known("servicedesk:mailbox_list"),
    }
    return render(request, "servicedesk/settings_index.html", context)


# --- Queues ------------------------------------------------------------------------------


@requires("servicedesk.manage")
def queue_list(request: HttpRequest) -> HttpResponse:
    """The queues, by name, with their counts of categories, teams and rules."""
    rows = Queue.objects.select_related("department").annotate(
        category_count=Count("categories", filter=Q(categories__active=True), distinct=True),
        team_count=Count("teams", filter=Q(teams__active=True), distinct=True),
        rule_count=Count("rules", filter=Q(rules__active=True), distinct=True),
    )
    page = keyset_page(
        rows, order=QUEUE_ORDER, after=request.GET.get("after"), before=request.GET.get("before")
    )
    return render(request, "servicedesk/settings_queue_list.html", {"page": page})


@requires("servicedesk.manage")
def queue_create(request: HttpRequest) -> HttpResponse:
    form = QueueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            queue = services.create_queue(by=acting_user(request), **form.values())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"The {queue} queue was added. Now give it categories.")
            return redirect("servicedesk:queue_edit", pk=queue.pk)
    return render(request, "servicedesk/settings_queue_form.html", {"form": form, "queue": None})


@requires("servicedesk.manage")
def queue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A queue's fields, and its category tree."""
    queue = get_object_or_404(Queue, pk=pk)
    form = QueueForm(request.POST or None, instance=queue)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_queue(queue=queue, by=acting_user(request), **form.values())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"The {queue} queue was saved.")
            return redirect("servicedesk:queue_edit", pk=queue.pk)
    context: dict[str, Any] = {
        "form": form,
        "queue": queue,
        "categories": [
            {"category": c, "depth": min(depth, 5), "path": path}
            for c, depth, path in category_paths(queue)
        ],
    }
    return render(request, "servicedesk/settings_queue_form.html", context)


# --- Categories --------------------------------------------------------------------------


@requires("servicedesk.manage")
def category_create(request: HttpRequest, pk: int) -> HttpResponse:
    queue = get_object_or_404(Queue, pk=pk)
    form = CategoryForm(request.POST or None, queue=queue)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.create_category(
                queue=queue, by=acting_user(request), **form.values()
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"The category {category} was added to {queue}.")
            return redirect("servicedesk:queue_edit", pk=queue.pk)
    context = {"form": form, "queue": queue, "category": None}
    return render(request, "servicedesk/settings_category_form.html", context)


@requires("servicedesk.manage")
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename, move or retire a category (retired: kept on old tickets, not offered)."""
    category = get_object_or_404(Category.objects.select_related("queue"), pk=pk)
    queue = category.queue
    form = CategoryForm(request.POST or None, queue=queue, category=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_category(category=category, by=acting_user(request), **form.values())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"The category {category} was saved.")
            return redirect("servicedesk:queue_edit", pk=queue.pk)
    context = {"form": form, "queue": queue, "category": category}
    return render(request, "servicedesk/settings_category_form.html", context)
