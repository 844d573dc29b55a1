"""The signed-in user's own page: who they are, their role, password and API tokens."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from hatrack.accounts import queries
from hatrack.core.permissions import requires


@requires("account.self")
def profile(request: HttpRequest) -> HttpResponse:
    page = queries.tokens_page(
        request.user,  # type: ignore[arg-type]
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    tokens = [queries.token_row(token, now=timezone.now()) for token in page.rows]
    return render(request, "accounts/profile.html", {"page": page, "tokens": tokens})
