"""Who may do what: one policy table of role x action, deny by default.

Every view declares the action it performs with `@requires("directory.view")` (or
`@public` for the few pages anyone may open), and every API endpoint does the same
with `api_requires`. `tests/test_url_protection.py` walks every URL pattern and fails
on a view that declares nothing or names an action missing from this table.
Object scoping (which tickets a Staff user sees) lives in each app's querysets.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url

from hatrack.core.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from hatrack.accounts.models import User


LEADER, TECHNICIAN, STAFF, VIEWER = Role.LEADER, Role.TECHNICIAN, Role.STAFF, Role.VIEWER
EVERYONE = frozenset(Role)
READERS = frozenset({LEADER, TECHNICIAN, VIEWER})

POLICY: dict[str, frozenset[Role]] = {
    # workspace
    "home.view": EVERYONE,
    "search.use": READERS,
    "hats.view": EVERYONE,
    "account.self": EVERYONE,
    "api.docs": EVERYONE,
    # district model
    "directory.view": READERS,
    "directory.change": frozenset({LEADER}),
    "directory.import": frozenset({LEADER}),
    # service desk
    "servicedesk.request": EVERYONE,
    "servicedesk.work": frozenset({LEADER, TECHNICIAN}),
    "servicedesk.view": READERS,
    "servicedesk.view_all": frozenset({LEADER, VIEWER}),
    "servicedesk.manage": frozenset({LEADER}),
    "servicedesk.metrics": frozenset({LEADER, VIEWER}),
    "knowledge.read": EVERYONE,
    "knowledge.write": frozenset({LEADER, TECHNICIAN}),
    # devices and assets
    "devices.view": READERS,
    "devices.work": frozenset({LEADER, TECHNICIAN}),
    "devices.manage": frozenset({LEADER}),
    "devices.import": frozenset({LEADER}),
    "devices.fees": frozenset({LEADER, TECHNICIAN}),
    "devices.waive": frozenset({LEADER}),
    "devices.lifecycle": READERS,
    # systems and resilience
    "systems.view": READERS,
    "systems.work": frozenset({LEADER, TECHNICIAN}),
    "systems.checks": frozenset({LEADER, TECHNICIAN}),
    "systems.manage": frozenset({LEADER}),
    "systems.insights": frozenset({LEADER, VIEWER}),
    # administration
    "accounts.manage": frozenset({LEADER}),
    "audit.view": frozenset({LEADER}),
    "tasks.view": frozenset({LEADER}),
}

PUBLIC = "public"

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def can(user: User | AnonymousUser, action: str) -> bool:
    """True when the user's role is allowed the action. Unknown actions are denied."""
    if action not in POLICY:
        raise KeyError(f"Unknown action {action!r}: add it to core.permissions.POLICY")
    if not user.is_authenticated or not user.is_active:
        return False
    role = getattr(user, "role", None)
    return role in POLICY[action]


def allowed_actions(user: User | AnonymousUser) -> set[str]:
    return {action for action in POLICY if can(user, action)}


def requires(action: str) -> Callable[[ViewFunc], ViewFunc]:
    """Protect a function view: anonymous users go to sign-in, others need the action."""
    if action not in POLICY:
        raise KeyError(f"Unknown action {action!r}: add it to core.permissions.POLICY")

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                if getattr(request, "htmx", False):
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
                return redirect_to_login(request.get_full_path())
            if not can(request.user, action):
                raise PermissionDenied(action)
            return view(request, *args, **kwargs)

        guarded.hatrack_action = action  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def public(view: ViewFunc) -> ViewFunc:
    """Mark a view as open to anyone (sign-in, password reset, health check)."""
    view.hatrack_action = PUBLIC  # type: ignore[attr-defined]
    return view


def declared_action(view: Callable[..., Any]) -> str | None:
    """The action a view declared, looking through Django's view wrappers."""
    seen: Callable[..., Any] | None = view
    while seen is not None:
        action = getattr(seen, "hatrack_action", None)
        if action is not None:
            return str(action)
        seen = getattr(seen, "view_class", None) or getattr(seen, "__wrapped__", None)
        if isinstance(seen, type):
            return getattr(seen, "hatrack_action", None)
    return None
