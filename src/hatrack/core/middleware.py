"""Request-scoped context: a request id that the audit trail and logs share."""

import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Takes a load balancer's X-Request-ID when it looks sane, or makes one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


SESSION_REFRESHED_KEY = "_refreshed"


class SessionRefreshMiddleware:
    """Slide a session's expiry with activity, writing it at most every few minutes.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) would make each
    page view a database write, which queues behind long writes such as an import on
    SQLite. Refreshing once per SESSION_REFRESH_INTERVAL keeps the idle timeout
    (SESSION_COOKIE_AGE) accurate to within that interval.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or session.modified:
            return response
        now = int(time.time())
        last = session.get(SESSION_REFRESHED_KEY, 0)
        if not isinstance(last, int) or now - last >= settings.SESSION_REFRESH_INTERVAL:
            session[SESSION_REFRESHED_KEY] = now
        return response
