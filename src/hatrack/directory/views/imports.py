"""Temporary: replaced by the owner of this module."""

from django.http import Http404

from hatrack.core.permissions import public, requires


@requires("directory.import")
def import_list(request):
    raise Http404


@requires("directory.import")
def import_create(request):
    raise Http404


@requires("directory.import")
def import_detail(request, pk):
    raise Http404


@requires("directory.import")
def import_progress(request, pk):
    raise Http404
