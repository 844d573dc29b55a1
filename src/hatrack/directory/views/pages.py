"""What the directory pages share: the acting user, and the filtered list with keyset pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from hatrack.core.lists import count_label, keyset_page

if TYPE_CHECKING:
    from hatrack.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    """The signed-in user; `requires` has already turned anonymous visitors away."""
    return cast("User", request.user)


def render_list(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The whole page, or only its `results` partial when htmx swaps the results in."""
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx and not htmx.history_restore_request)
    response = render(request, f"{template}#results" if partial else template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def list_page(
    request: HttpRequest,
    template: str,
    *,
    form: forms.Form,
    rows: QuerySet[Any],
    order: tuple[str, ...],
    present: Callable[[list[Any]], list[dict[str, Any]]],
    filtered: bool,
    counted: QuerySet[Any] | None = None,
    **extra: Any,
) -> HttpResponse:
    """A filtered list: one keyset page of `rows`, presented, with the bounded count of
    `counted` (the rows themselves unless given) and any `extra` context."""
    page = keyset_page(
        rows, order=order, after=request.GET.get("after"), before=request.GET.get("before")
    )
    context = {
        "form": form,
        "page": page,
        "rows": present(page.rows),
        "count": count_label(rows if counted is None else counted),
        "filtered": filtered,
        **extra,
    }
    return render_list(request, template, context)
