"""What every API endpoint shares: who is calling, what they may do, pages and errors.

An endpoint declares its action from `core.permissions.POLICY` with `@api_requires`,
placed under the router decorator:

    @router.get("/people", response={200: PersonPage, 422: ValidationErrorOut})
    @api_requires("directory.view")
    def list_people(request, ...): ...

The decorator binds the endpoint to the two ways in: a bearer token
(`Authorization: Bearer htk_...`) or the browser session (with CSRF on unsafe
methods). No credentials gives 401, credentials without the action 403, both as
JSON, before any parameter is parsed. `api_operations(api)` lists every operation
with the action it declared, so a test can fail on one that declares nothing.
Lists page by keyset (`api_page`): `{"items": [...], "next": "<url>" | null}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial, wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, BadRequest, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, URLResolver, path, reverse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.views import openapi_json
from ninja.params import functions as param
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf, contribute_operation_callback

from hatrack.core.lists import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, keyset_page
from hatrack.core.permissions import POLICY, can

if TYPE_CHECKING:
    from ninja.operation import Operation

    from hatrack.accounts.models import User

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])
DOCS_ACTION = "api.docs"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CHALLENGE = 'Bearer realm="Hatrack API"'  # what a 401 asks for (RFC 6750)


# --- Error bodies -------------------------------------------------------------------------


class ErrorOut(Schema):
    """Every refusal: 400, 401, 403, 404."""

    detail: str


class ValidationErrorOut(Schema):
    """422: what was wrong, field by field (`__all__` for the record as a whole)."""

    detail: str
    errors: dict[str, list[str]]


MESSAGES = {
    401: "Authentication required: send 'Authorization: Bearer <token>' or sign in.",
    404: "Not found.",
    422: "Some values are not valid; see errors.",
}


def json_response(data: Any, *, status: int = 200) -> HttpResponse:
    """A JSON response written straight from plain values (the fast path of lists).

    Django's encoder writes dates as Ninja does (ISO 8601, milliseconds, "Z"), so a
    list and a detail endpoint write the same record byte for byte.
    """
    body = json.dumps(data, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def _field_name(loc: Sequence[Any]) -> str:
    """('body', 'payload', 'email') -> 'email'; ('query', 'limit') -> 'limit'."""
    parts = [str(p) for p in loc]
    source, rest = (parts[0], parts[1:]) if parts else ("", [])
    if source == "body":
        rest = rest[1:]
    return ".".join(rest) or NON_FIELD_ERRORS


def validation_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Ninja's (Pydantic's) error list as messages per field."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(str(error.get("msg")))
    return fields


def install_error_handlers(api: NinjaAPI) -> None:
    """JSON bodies in words for every refusal, in the shapes the schema documents."""

    def reply(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        response = reply(request, exc.status_code, MESSAGES.get(exc.status_code, exc.message))
        if exc.status_code == 401:
            response["WWW-Authenticate"] = CHALLENGE
        return response

    def on_authorization(request: HttpRequest, exc: Any) -> HttpResponse:
        return reply(request, 403, exc.message)

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return reply(request, 404, MESSAGES[404])

    def on_permission_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return reply(request, 403, "Your role does not allow this.")

    def on_bad_request(request: HttpRequest, exc: Any) -> HttpResponse:
        return reply(request, 400, str(exc) or "Bad request.")

    def on_invalid_params(request: HttpRequest, exc: Any) -> HttpResponse:
        return reply(request, 422, MESSAGES[422], errors=validation_errors(exc.errors))

    def on_invalid_values(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = getattr(exc, "message_dict", None) or {NON_FIELD_ERRORS: exc.messages}
        return reply(request, 422, MESSAGES[422], errors=errors)

    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthorizationError, on_authorization)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(BadRequest, on_bad_request)
    api.add_exception_handler(NinjaValidationError, on_invalid_params)
    api.add_exception_handler(DjangoValidationError, on_invalid_values)


def error_fields(exc: DjangoValidationError, renames: Mapping[str, str]) -> DjangoValidationError:
    """The same errors under the API's field names (a service's `primary_site` is the
    API's `primary_site_id`)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return DjangoValidationError(
        {renames.get(name, name): messages for name, messages in exc.message_dict.items()}
    )


@contextmanager
def fields_renamed(renames: Mapping[str, str]) -> Iterator[None]:
    """A service's errors raised inside, under the API's field names (see error_fields)."""
    try:
        yield
    except DjangoValidationError as exc:
        raise error_fields(exc, renames) from exc


def related(model: type[Model], pk: int | None, field: str, label: str) -> Any:
    """The record a payload's `..._id` names (None for None), or a 422 on that field."""
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise DjangoValidationError({field: f"No {label} has the id {pk}."})
    return found


def related_many(model: type[Model], pks: list[int], field: str, label: str) -> list[Any]:
    """The records a payload's list of ids names, in that order, or a 422 on the field
    naming the first unknown id."""
    found = model._default_manager.in_bulk(pks)
    missing = [pk for pk in pks if pk not in found]
    if missing:
        raise DjangoValidationError({field: f"No {label} has the id {missing[0]}."})
    return [found[pk] for pk in dict.fromkeys(pks)]


# --- Authentication and permission ----------------------------------------------------------


def _refuse_unless_allowed(user: User, action: str | None) -> User:
    # Deny by default: an endpoint that declared no action refuses everyone.
    if action is None:
        raise AuthorizationError(message="This endpoint declares no action; it is closed.")
    if not can(user, action):
        raise AuthorizationError(message=f"Your role does not allow this ({action}).")
    return user


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer htk_...`: an API token of an active user, not expired or
    revoked. Its last use is recorded at most once a minute."""

    def __init__(self, action: str | None = None) -> None:
        self.action = action
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        from hatrack.accounts.tokens import user_for_key

        user = user_for_key(token)
        if user is None:
            return None
        request.user = user
        return _refuse_unless_allowed(user, self.action)


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods must carry the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, action: str | None = None) -> None:
        self.action = action
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method in UNSAFE_METHODS and check_csrf(request) is not None:
            raise AuthorizationError(message="CSRF check failed: send the X-CSRFToken header.")
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user: User = request.user  # type: ignore[assignment]
        return _refuse_unless_allowed(user, self.action)


def api_auth(action: str | None = None) -> list[BearerTokenAuth | SessionAuth]:
    """The ways into the API, in the order they are tried, allowing `action` (None: the
    API's default for endpoints that declare nothing, which refuses everyone)."""
    return [BearerTokenAuth(action), SessionAuth(action)]


def api_requires(action: str) -> Callable[[ViewFunc], ViewFunc]:
    """Declare the action an endpoint performs; callers without it get 401 or 403.

    Put it directly under the router decorator. The endpoint itself is not wrapped, so
    Ninja still reads its signature; the check runs with authentication, before any
    parameter is parsed.
    """
    if action not in POLICY:
        raise KeyError(f"Unknown action {action!r}: add it to core.permissions.POLICY")

    def bind(operation: Operation) -> None:
        operation.auth_param = api_auth(action)
        operation._set_auth(operation.auth_param)
        for status in (401, 403):
            operation.response_models.setdefault(status, operation._create_response_model(ErrorOut))

    def decorate(view: ViewFunc) -> ViewFunc:
        view.hatrack_action = action  # type: ignore[attr-defined]
        contribute_operation_callback(view, bind)
        return view

    return decorate


def _caller(request: HttpRequest) -> User | None:
    """Who sends a safe request: the token's user, else the session's, else None."""
    from hatrack.accounts.tokens import user_for_key

    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and (user := user_for_key(key.strip())) is not None:
        return user
    session_user: User = request.user  # type: ignore[assignment]
    return session_user if session_user.is_authenticated else None


def docs_guard(view: ViewFunc) -> ViewFunc:
    """Guard the schema and the docs page: any signed-in user (action `api.docs`).

    The docs page sends strangers to sign in; the schema answers 401 like the API.
    """
    is_schema = getattr(view, "func", None) is openapi_json

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = _caller(request)
        if user is None:
            if is_schema:
                refusal = json_response({"detail": MESSAGES[401]}, status=401)
                refusal["WWW-Authenticate"] = CHALLENGE
                return refusal
            return redirect_to_login(request.get_full_path())
        if not can(user, DOCS_ACTION):
            return json_response({"detail": "Your role does not allow this."}, status=403)
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    guarded.hatrack_action = DOCS_ACTION  # type: ignore[attr-defined]
    return guarded  # type: ignore[return-value]


class HatrackAPI(NinjaAPI):
    """Ninja's API with Hatrack's errors, and `/api/` leading to the docs page."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("auth", api_auth())
        kwargs.setdefault("docs_decorator", docs_guard)
        super().__init__(**kwargs)
        install_error_handlers(self)

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = [u for u in super()._get_urls() if getattr(u, "name", None) != "api-root"]
        home = docs_guard(partial(_api_home, namespace=self.urls_namespace))
        return [*urls, path("", home, name="api-root")]


def _api_home(request: HttpRequest, namespace: str) -> HttpResponse:
    return HttpResponseRedirect(reverse(f"{namespace}:openapi-view"))


def api_operations(api: NinjaAPI) -> list[tuple[str, str, Callable[..., Any], str | None]]:
    """Every operation of the API: (method, path, endpoint function, declared action).

    The action is None when the endpoint declared nothing, or when its authentication
    does not enforce what it declared (the decorator was put above the router's).
    """
    found: list[tuple[str, str, Callable[..., Any], str | None]] = []
    for bound in api._get_bound_routers():
        for route, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                action = getattr(operation.view_func, "hatrack_action", None)
                enforced = {getattr(a, "action", None) for a in operation.auth_callbacks}
                declared = action if enforced == {action} else None
                full_path = "/" + "/".join(p.strip("/") for p in (bound.prefix, route) if p)
                found.extend(
                    (method, full_path, operation.view_func, declared)
                    for method in operation.methods
                )
    return found


# --- Pages ----------------------------------------------------------------------------------

# The error answers every app's endpoints document, by kind of operation.
LIST_ERRORS = {400: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS = {422: ValidationErrorOut}
ONE_ERRORS = {404: ErrorOut}


def page_limit() -> Any:
    """The `limit` query parameter of a list endpoint."""
    return param.Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Rows per page.")


def page_after() -> Any:
    """The `after` query parameter of a list endpoint (a keyset cursor)."""
    return param.Query(None, description="The cursor from the previous page's `next` link.")


def get_or_404(model: type[Model], pk: int) -> Any:
    """The record, or a 404 answer."""
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def api_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    order: Sequence[str],
    limit: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
) -> tuple[list[Any], str | None]:
    """One keyset page of `queryset` and the absolute URL of the next (or None).

    One query, no OFFSET, no COUNT: the page reads `limit + 1` rows from the cursor on.
    A malformed cursor raises BadRequest (400).
    """
    page = keyset_page(queryset, order=order, after=after, size=min(limit, MAX_PAGE_SIZE))
    if page.next_cursor is None:
        return page.rows, None
    query = request.GET.copy()
    query.pop("before", None)
    query["after"] = page.next_cursor
    return page.rows, request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
