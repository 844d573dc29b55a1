"""`/healthz` for load balancers: is the database reachable, how big is the task backlog."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from hatrack.core.permissions import public
from hatrack.core.queries import task_backlog


@public
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the backlog when the database answers; 503 when it does not.

    Shows no hostnames, versions or secrets: anyone who can reach the server may ask.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        backlog = task_backlog()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "tasks": backlog})
