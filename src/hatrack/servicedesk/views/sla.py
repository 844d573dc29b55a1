"""SLA policy pages for leaders: the list, and a form to add or change a policy."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from hatrack.core.permissions import requires
from hatrack.directory.queries import history
from hatrack.servicedesk import sla_queries
from hatrack.servicedesk.models import SlaPolicy
from hatrack.servicedesk.services import sla
from hatrack.servicedesk.sla_forms import SlaPolicyForm

if TYPE_CHECKING:
    from hatrack.accounts.models import User


@requires("servicedesk.manage")
def sla_list(request: HttpRequest) -> HttpResponse:
    return render(request, "servicedesk/sla_list.html", {"rows": sla_queries.policy_rows()})


def _form_page(request: HttpRequest, policy: SlaPolicy | None) -> HttpResponse:
    form = SlaPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        by = cast("User", request.user)
        try:
            if policy is None:
                saved = sla.create_sla_policy(by=by, **form.values())
            else:
                saved = sla.update_sla_policy(policy=policy, by=by, **form.values())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"The {saved.name} policy was saved.")
            return redirect("servicedesk:sla_list")
    context = {
        "form": form,
        "policy": policy,
        "history": history(policy) if policy is not None else [],
    }
    return render(request, "servicedesk/sla_form.html", context)


@requires("servicedesk.manage")
def sla_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@requires("servicedesk.manage")
def sla_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, get_object_or_404(SlaPolicy, pk=pk))
