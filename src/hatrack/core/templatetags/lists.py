"""Template filters for list pages (see core/lists.py)."""

from django import template
from django.http import QueryDict

from hatrack.core.lists import query_without_cursor

register = template.Library()


@register.filter
def without_cursor(params: QueryDict) -> str:
    """`request.GET|without_cursor`: the current filters, ready to prefix a page cursor."""
    return query_without_cursor(params)
