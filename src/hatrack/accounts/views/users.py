"""The Technology leader's account pages: the list, a new account, editing one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from hatrack.accounts import queries, services
from hatrack.accounts.forms import UserCreateForm, UserEditForm, UserFilterForm
from hatrack.accounts.models import User
from hatrack.core.audit import history_of
from hatrack.core.permissions import requires


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@requires("accounts.manage")
def user_list(request: HttpRequest) -> HttpResponse:
    filters = UserFilterForm(request.GET)
    result = queries.user_list_page(
        filters.filters(), after=request.GET.get("after"), before=request.GET.get("before")
    )
    context = {"filters": filters, "page": result.page, "count": result.count}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "accounts/user_list.html#results", context)
    return render(request, "accounts/user_list.html", context)


@requires("accounts.manage")
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                username=data["username"],
                email=data["email"],
                role=data["role"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                person=data["person"],
                password=data["password"] or None,
                by=request.user,  # type: ignore[arg-type]
            )
            if data["send_setup_email"]:
                services.send_password_setup_email(user=user, site_url=_site_url(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            sent = (
                f" A link to choose a password was sent to {user.email}."
                if data["send_setup_email"]
                else ""
            )
            messages.success(request, f"The account “{user.username}” was created.{sent}")
            return HttpResponseRedirect(reverse("accounts:user_edit", args=[user.pk]))
    return render(request, "accounts/user_create.html", {"form": form})


@requires("accounts.manage")
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User.objects.select_related("person"), pk=pk)
    if request.method == "POST" and "send_setup_email" in request.POST:
        return _send_setup_email(request, account)
    form = UserEditForm.for_user(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_user(
                user=account,
                by=request.user,  # type: ignore[arg-type]
                role=data["role"],
                is_active=data["is_active"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                person=data["person"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"The account “{account.username}” was saved.")
            return HttpResponseRedirect(reverse("accounts:user_edit", args=[account.pk]))
    tokens = queries.tokens_page(
        account, after=request.GET.get("after"), before=request.GET.get("before")
    )
    context = {
        "account": account,
        "form": form,
        "is_self": account.pk == request.user.pk,
        "history": list(history_of(account, limit=20)),
        "page": tokens,
        "tokens": [queries.token_row(token, now=timezone.now()) for token in tokens.rows],
    }
    return render(request, "accounts/user_edit.html", context)


def _send_setup_email(request: HttpRequest, account: User) -> HttpResponse:
    try:
        services.send_password_setup_email(user=account, site_url=_site_url(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"A link to choose a new password was sent to {account.email}.")
    return HttpResponseRedirect(reverse("accounts:user_edit", args=[account.pk]))
