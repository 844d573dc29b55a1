"""Teams of the desk's queues, for technology leaders: who is on them, how they share work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from hatrack.core.lists import keyset_page
from hatrack.core.permissions import requires
from hatrack.servicedesk.forms.settings import TeamForm
from hatrack.servicedesk.models import Team
from hatrack.servicedesk.services import teams as services
from hatrack.servicedesk.views.settings import acting_user, add_service_error

TEAM_ORDER = ("queue__name", "name", "id")


@requires("servicedesk.manage")
def team_list(request: HttpRequest) -> HttpResponse:
    """Every team, by queue and name, with its strategy and number of members."""
    rows = Team.objects.select_related("queue").annotate(member_count=Count("members"))
    page = keyset_page(
        rows, order=TEAM_ORDER, after=request.GET.get("after"), before=request.GET.get("before")
    )
    return render(request, "servicedesk/settings_team_list.html", {"page": page})


@requires("servicedesk.manage")
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None, initial={"queue": request.GET.get("queue")})
    if request.method == "POST" and form.is_valid():
        try:
            team = services.create_team(
                queue=form.cleaned_data["queue"], by=acting_user(request), **form.values()
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"The team {team} was added.")
            return redirect("servicedesk:team_list")
    return render(request, "servicedesk/settings_team_form.html", {"form": form, "team": None})


@requires("servicedesk.manage")
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team.objects.select_related("queue"), pk=pk)
    form = TeamForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_team(team=team, by=acting_user(request), **form.values())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"The team {team} was saved.")
            return redirect("servicedesk:team_list")
    return render(request, "servicedesk/settings_team_form.html", {"form": form, "team": team})
