"""What the workspace's views share: the acting user, htmx-aware redirects, error words."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from hatrack.directory.views.pages import acting_user, render_list

__all__ = ["acting_user", "error_words", "redirect_to", "render_list"]


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a whole-page load, not as a swapped fragment."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def error_words(exc: ValidationError) -> str:
    """A refusal's messages as one sentence or more, for a flash message."""
    return " ".join(str(message) for message in exc.messages)
