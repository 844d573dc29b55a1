"""Signing in and out, changing a password and resetting a forgotten one.

Django's own auth views do the careful parts (safe `next` redirects, one-time reset
tokens, never saying whether an address has an account); the passwords they set go
through `accounts.services.set_password`, so every change is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash, views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy

from hatrack.accounts import services
from hatrack.accounts.forms import (
    ChangePasswordForm,
    NewPasswordForm,
    ResetPasswordForm,
    SignInForm,
)
from hatrack.core.permissions import public, requires


class SignInView(views.LoginView):
    """Axes counts failures through `authenticate(request=...)`, which this form calls."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(views.LogoutView):
    """POST only (Django refuses GET with 405), so a link cannot sign anyone out."""


class ChangePasswordView(views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm

    def form_valid(self, form: Any) -> HttpResponse:
        user = services.set_password(
            user=form.user, password=form.cleaned_data["new_password1"], by=form.user
        )
        update_session_auth_hash(self.request, user)
        messages.success(self.request, "Your password has been changed.")
        return HttpResponseRedirect(reverse("accounts:profile"))


class ResetPasswordView(views.PasswordResetView):
    """Always goes on to the "sent" page, whether or not the address has an account."""

    template_name = "accounts/password_reset.html"
    form_class = ResetPasswordForm
    email_template_name = "accounts/emails/password_reset_email.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")


class ResetPasswordConfirmView(views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        services.set_password(
            user=form.user, password=form.cleaned_data["new_password1"], by=form.user
        )
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


login_view = public(SignInView.as_view())
logout_view = public(SignOutView.as_view())
password_change = requires("account.self")(ChangePasswordView.as_view())
password_reset = public(ResetPasswordView.as_view())
password_reset_sent = public(
    views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
)
password_reset_confirm = public(ResetPasswordConfirmView.as_view())
password_reset_complete = public(
    views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)
