"""API tokens from the profile page: create one (its key is shown once), revoke one.

A user creates and revokes their own tokens; a Technology leader may also revoke
anyone's (a lost laptop, a departed contractor). Someone else's token is a 404 to
everyone else, so token ids reveal nothing.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hatrack.accounts.models import ApiToken
from hatrack.accounts.tokens import create_api_token, revoke_api_token
from hatrack.core.permissions import can, requires

EXPIRY_CHOICES = [
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("365", "In a year"),
    ("never", "Never"),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What will use it, e.g. “SIS sync script” or “Asset report”.",
    )
    expires = forms.ChoiceField(
        label="Expires",
        choices=EXPIRY_CHOICES,
        initial="90",
        help_text="A token that expires limits the harm if it leaks.",
    )

    def expires_at(self) -> datetime.datetime | None:
        days = self.cleaned_data["expires"]
        return None if days == "never" else timezone.now() + datetime.timedelta(days=int(days))


@never_cache
@requires("account.self")
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = create_api_token(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Rendered, not redirected: the key exists only in this response.
            context = {"token": token, "key": key, "api_docs_url": reverse("api:openapi-view")}
            return render(request, "accounts/token_created.html", context)
    return render(request, "accounts/token_create.html", {"form": form})


@require_POST
@requires("account.self")
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    tokens = ApiToken.objects.select_related("user")
    if not can(request.user, "accounts.manage"):
        tokens = tokens.filter(user=request.user)  # type: ignore[misc]
    token = get_object_or_404(tokens, pk=pk)
    revoke_api_token(token=token, by=request.user)  # type: ignore[arg-type]
    messages.success(request, f"The token “{token.name}” is revoked; it no longer works.")
    if token.user_id == request.user.pk:
        return HttpResponseRedirect(reverse("accounts:profile"))
    return HttpResponseRedirect(reverse("accounts:user_edit", args=[token.user_id]))
