"""Temporary: replaced by the owner of this module."""

from django.http import Http404

from hatrack.core.permissions import public, requires


@public
def login_view(request):
    raise Http404


@public
def logout_view(request):
    raise Http404


@public
def password_change(request):
    raise Http404


@public
def password_reset(request):
    raise Http404


@public
def password_reset_sent(request):
    raise Http404


@public
def password_reset_confirm(request, uidb64, token):
    raise Http404


@public
def password_reset_complete(request):
    raise Http404
