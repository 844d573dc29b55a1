"""The workspace shell: the home dashboard, global search and the hats still to come."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hatrack.core import search as core_search
from hatrack.core.permissions import can, requires
from hatrack.directory import queries as directory
from hatrack.servicedesk.search_sources import sources_for as servicedesk_sources
from hatrack.systems.overview import systems_now
from hatrack.workspace import dashboard
from hatrack.workspace.navigation import HATS, hat

SEARCH_SOURCES = (directory.search_people, directory.search_sites, directory.search_departments)


@requires("home.view")
def home(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "directory.view"):
        hats = [h for h in HATS if h.coming and can(request.user, h.action)]
        context = {"hats": hats, "my_tickets": dashboard.my_recent_requests(request.user)}
        return render(request, "workspace/home_staff.html", context)
    context = dashboard.home_context()
    if can(request.user, "systems.view"):
        context["systems_now"] = systems_now()
    return render(request, "workspace/home.html", context)


@requires("search.use")
def search(request: HttpRequest) -> HttpResponse:
    query = core_search.clean_query(request.GET.get("q"))
    sources = [*SEARCH_SOURCES, *servicedesk_sources(request.user)]
    groups = core_search.search(query, sources)
    context = {"search_query": query, "groups": groups, "searched": bool(query)}
    return render(request, "workspace/search.html", context)


@requires("hats.view")
def hat_page(request: HttpRequest, key: str) -> HttpResponse:
    return render(request, "workspace/hat_coming.html", {"hat": hat(key)})
