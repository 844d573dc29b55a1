"""The workspace shell: the home dashboard, global search and the hats still to come."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hatrack.core.permissions import requires
from hatrack.workspace.navigation import hat


@requires("home.view")
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/home.html", {})


@requires("search.use")
def search(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/search.html", {"search_query": request.GET.get("q", "")})


@requires("hats.view")
def hat_page(request: HttpRequest, key: str) -> HttpResponse:
    return render(request, "workspace/hat_coming.html", {"hat": hat(key)})
