"""Temporary: replaced by the owner of this module."""

from django.http import Http404

from hatrack.core.permissions import public, requires


@requires("directory.view")
def person_list(request):
    raise Http404


@requires("directory.view")
def person_export(request):
    raise Http404


@requires("directory.view")
def person_create(request):
    raise Http404


@requires("directory.view")
def person_detail(request, pk):
    raise Http404


@requires("directory.view")
def person_edit(request, pk):
    raise Http404
