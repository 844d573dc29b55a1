"""Temporary: replaced by the owner of this module."""

from django.http import Http404

from hatrack.core.permissions import public, requires


@requires("directory.view")
def department_list(request):
    raise Http404


@requires("directory.view")
def department_create(request):
    raise Http404


@requires("directory.view")
def department_detail(request, pk):
    raise Http404


@requires("directory.view")
def department_edit(request, pk):
    raise Http404
