"""Deny by default, proven: every URL of Hatrack declares who may use it, and enforces it.

The tests walk every pattern of the project's URLconf (recursing into includes) and
every operation of the API, so a page or endpoint added tomorrow is checked without
anyone remembering to write a test for it. A new URL with path parameters fails here
until `PATH_VALUES` (or `API_PATH_VALUES`) says how to fill them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hatrack.accounts.tests.factories import make_account, make_token
from hatrack.conftest import make_user
from hatrack.core.models import ImportRun
from hatrack.core.permissions import POLICY, PUBLIC, can, declared_action
from hatrack.core.roles import Role
from hatrack.directory.tests.factories import (
    make_department,
    make_district,
    make_person,
    make_site,
)

pytestmark = pytest.mark.django_db

API_PREFIX = "api/"
ROLES = [Role.LEADER, Role.TECHNICIAN, Role.STAFF, Role.VIEWER]
# What a permitted persona may get from a GET: the page, a redirect onwards, or
# "use POST" from an action-only URL (sign out, revoke a token).
PERMITTED = {200, 302, 405}
# A refusal: 401, 403, or 405 from a URL that takes only the other method (it runs nothing).
REFUSED = {401, 403, 405}


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None
    view: Callable[..., Any]
    defaults: dict[str, Any] = field(default_factory=dict)
    params: tuple[str, ...] = ()

    @property
    def is_api(self) -> bool:
        return self.route.startswith(API_PREFIX)

    @property
    def action(self) -> str | None:
        return declared_action(self.view)


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            defaults = dict(pattern.default_args)
            params = tuple(k for k in pattern.pattern.regex.groupindex if k not in defaults)
            yield Route(prefix + str(pattern.pattern), name, pattern.callback, defaults, params)


ROUTES = list(walk(get_resolver().url_patterns))
PAGES = [r for r in ROUTES if not r.is_api]


def route_id(route: Route) -> str:
    return route.name or route.route


# How to fill each page's path parameters with the records `district` makes.
PATH_VALUES: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "directory:person_detail": lambda d: {"pk": d.person.pk},
    "directory:person_edit": lambda d: {"pk": d.person.pk},
    "directory:site_detail": lambda d: {"pk": d.site.pk},
    "directory:site_edit": lambda d: {"pk": d.site.pk},
    "directory:department_detail": lambda d: {"pk": d.department.pk},
    "directory:department_edit": lambda d: {"pk": d.department.pk},
    "directory:import_detail": lambda d: {"pk": d.run.pk},
    "directory:import_progress": lambda d: {"pk": d.run.pk},
    "accounts:user_edit": lambda d: {"pk": d.account.pk},
    "accounts:token_revoke": lambda d: {"pk": d.token.pk},
    # A made-up token: the page answers "this link is not valid" (its real use is tested
    # in accounts/tests/test_passwords.py).
    "accounts:password_reset_confirm": lambda d: {"uidb64": "MQ", "token": "not-a-token"},
    "tasks:detail": lambda d: {"task_id": d.task_id},
    "servicedesk:attachment_download": lambda d: {"pk": d.attachment.pk},
    "servicedesk:mailbox_edit": lambda d: {"pk": d.mailbox.pk},
    "servicedesk:mailbox_test": lambda d: {"pk": d.mailbox.pk},
    "servicedesk:queue_edit": lambda d: {"pk": d.queue.pk},
    "servicedesk:category_create": lambda d: {"pk": d.queue.pk},
    "servicedesk:category_edit": lambda d: {"pk": d.category.pk},
    "servicedesk:team_edit": lambda d: {"pk": d.team.pk},
    "servicedesk:rule_list": lambda d: {"pk": d.queue.pk},
    "servicedesk:rule_create": lambda d: {"pk": d.queue.pk},
    "servicedesk:rule_edit": lambda d: {"pk": d.rule.pk},
    "servicedesk:rule_move": lambda d: {"pk": d.rule.pk},
    "servicedesk:rule_delete": lambda d: {"pk": d.rule.pk},
    "servicedesk:sla_edit": lambda d: {"pk": d.sla_policy.pk},
    "directory:site_hours_edit": lambda d: {"site_pk": d.site.pk},
    "directory:closure_edit": lambda d: {"pk": d.closure.pk},
    "directory:closure_delete": lambda d: {"pk": d.closure.pk},
    "portal:ticket_detail": lambda d: {"pk": d.ticket.pk},
    "portal:ticket_reply": lambda d: {"pk": d.ticket.pk},
    "portal:ticket_fixed": lambda d: {"pk": d.ticket.pk},
    "portal:ticket_rate": lambda d: {"pk": d.ticket.pk},
    "portal:article_detail": lambda d: {"slug": d.article.slug},
    "portal:deflect": lambda d: {"slug": d.article.slug},
    "servicedesk:article_edit": lambda d: {"pk": d.article.pk},
    "servicedesk:article_publish": lambda d: {"pk": d.article.pk},
    "servicedesk:ticket_detail": lambda d: {"pk": d.ticket.pk},
    "servicedesk:ticket_changes": lambda d: {"pk": d.ticket.pk},
    "servicedesk:ticket_canned": lambda d: {"pk": d.ticket.pk},
    "servicedesk:ticket_reply": lambda d: {"pk": d.ticket.pk},
    "servicedesk:ticket_update": lambda d: {"pk": d.ticket.pk},
    "servicedesk:ticket_status": lambda d: {"pk": d.ticket.pk},
    "servicedesk:ticket_merge": lambda d: {"pk": d.ticket.pk},
    "servicedesk:ticket_split": lambda d: {"pk": d.ticket.pk},
    "servicedesk:canned_edit": lambda d: {"pk": d.canned.pk},
    "servicedesk:canned_delete": lambda d: {"pk": d.canned.pk},
    "servicedesk:saved_view_rename": lambda d: {"pk": d.saved_view.pk},
    "servicedesk:saved_view_delete": lambda d: {"pk": d.saved_view.pk},
    # devices: records (device pages)
    "devices:device_detail": lambda d: {"pk": d.device.pk},
    "devices:device_edit": lambda d: {"pk": d.device.pk},
    "devices:device_status": lambda d: {"pk": d.device.pk},
    # devices: catalog (models, kits; rooms, vendors and funding sources in the directory)
    "devices:model_detail": lambda d: {"pk": d.device_model.pk},
    "devices:model_edit": lambda d: {"pk": d.device_model.pk},
    "devices:kit_edit": lambda d: {"pk": d.kit.pk},
    "directory:room_create": lambda d: {"site_pk": d.site.pk},
    "directory:room_edit": lambda d: {"pk": d.room.pk},
    "directory:vendor_edit": lambda d: {"pk": d.vendor.pk},
    "directory:funding_edit": lambda d: {"pk": d.funding_source.pk},
    # devices: check-out, check-in and the scanner
    "devices:device_check_out": lambda d: {"pk": d.device.pk},
    "devices:device_check_in": lambda d: {"pk": d.device.pk},
    "devices:scan_session": lambda d: {"pk": d.scan_session.pk},
    "devices:scan_submit": lambda d: {"pk": d.scan_session.pk},
    "devices:scan_undo": lambda d: {"pk": d.scan_session.pk},
    "devices:scan_finish": lambda d: {"pk": d.scan_session.pk},
    # devices: repairs, loaners and fees
    "devices:repair_create": lambda d: {"pk": d.device.pk},
    "devices:repair_detail": lambda d: {"pk": d.repair.pk},
    "devices:repair_edit": lambda d: {"pk": d.repair.pk},
    "devices:repair_part_add": lambda d: {"pk": d.repair.pk},
    "devices:repair_part_remove": lambda d: {"pk": d.repair.pk},
    "devices:repair_loaner": lambda d: {"pk": d.repair.pk},
    "devices:repair_close": lambda d: {"pk": d.repair.pk},
    "devices:fee_create": lambda d: {"pk": d.device.pk},
    "devices:fee_detail": lambda d: {"pk": d.fee.pk},
    "devices:fee_payment": lambda d: {"pk": d.fee.pk},
    "devices:fee_waive": lambda d: {"pk": d.fee.pk},
    # devices: imports
    "devices:import_detail": lambda d: {"pk": d.device_import.pk},
    "devices:import_progress": lambda d: {"pk": d.device_import.pk},
    "devices:import_confirm": lambda d: {"pk": d.device_import.pk},
    # devices: labels and physical audits
    "devices:audit_detail": lambda d: {"pk": d.physical_audit.pk},
    "devices:audit_scan": lambda d: {"pk": d.physical_audit.pk},
    "devices:audit_finish": lambda d: {"pk": d.physical_audit.pk},
    "devices:audit_mark_lost": lambda d: {"pk": d.physical_audit.pk},
    # systems: catalog, dependencies, checks, incidents, maintenance, alerting
    "systems:system_detail": lambda d: {"pk": d.system.pk},
    "systems:system_edit": lambda d: {"pk": d.system.pk},
    "systems:system_dependencies": lambda d: {"pk": d.system.pk},
    "systems:dependency_delete": lambda d: {"pk": d.dependency.pk},
    "systems:check_detail": lambda d: {"pk": d.health_check.pk},
    "systems:check_edit": lambda d: {"pk": d.health_check.pk},
    "systems:check_run": lambda d: {"pk": d.health_check.pk},
    "systems:incident_detail": lambda d: {"pk": d.incident.pk},
    "systems:incident_update": lambda d: {"pk": d.incident.pk},
    "systems:incident_acknowledge": lambda d: {"pk": d.incident.pk},
    "systems:incident_link_ticket": lambda d: {"pk": d.incident.pk},
    "systems:incident_review": lambda d: {"pk": d.incident.pk},
    "systems:maintenance_edit": lambda d: {"pk": d.maintenance.pk},
    "systems:maintenance_cancel": lambda d: {"pk": d.maintenance.pk},
    "systems:duty_delete": lambda d: {"pk": d.duty.pk},
    "systems:webhook_edit": lambda d: {"pk": d.webhook.pk},
    "systems:webhook_test": lambda d: {"pk": d.webhook.pk},
    # A made-up token: the page answers "this link is not valid or has expired".
    "systems:acknowledge_link": lambda d: {"token": "not-a-token"},
    "status:confirm": lambda d: {"token": "not-a-token"},
    "status:unsubscribe": lambda d: {"token": "not-a-token"},
}
# Pages that cannot be requested here, each with its reason. Keep this empty if you can.
SKIPPED: dict[str, str] = {}


@pytest.fixture
def district(db) -> SimpleNamespace:
    """One of every record a URL can point at."""
    from hatrack.directory.tasks import run_oneroster_import

    make_district()
    site = make_site()
    account = make_account(role=Role.STAFF)
    # A finished run: should a test backend run tasks at once, the task does nothing.
    run = ImportRun.objects.create(
        kind="oneroster", source_name="roster.zip", status=ImportRun.Status.DONE
    )
    return SimpleNamespace(
        site=site,
        department=make_department(site=site),
        person=make_person(primary_site=site),
        account=account,
        token=make_token(account),
        run=run,
        task_id=run_oneroster_import.enqueue(run.pk).id,
        **service_desk_records(site),
        **device_records(site),
        **systems_records(account),
    )


def systems_records(account: Any) -> dict[str, Any]:
    """One of each systems record, for pages such as /systems/<pk>/."""
    from datetime import timedelta

    from django.utils import timezone

    from hatrack.systems.models import OnDuty, Webhook
    from hatrack.systems.tests import factories as f

    system = f.make_system()
    now = timezone.now()
    return {
        "system": system,
        "dependency": f.make_dependency(f.make_system(), system),
        "health_check": f.make_check(system),
        "incident": f.make_incident(system),
        "maintenance": f.make_maintenance(
            system, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=2)
        ),
        "duty": OnDuty.objects.create(
            user=account, starts_at=now, ends_at=now + timedelta(hours=8)
        ),
        "webhook": Webhook.objects.create(
            name="Tech chat", url="https://chat.example.org/hook", format="json"
        ),
    }


def device_records(site: Any) -> dict[str, Any]:
    """One of each devices record, for pages such as /devices/<pk>/."""
    from hatrack.devices.tests import factories as f

    device = f.make_device(site=site)
    return {
        "device": device,
        "device_model": device.model,
        "kit": f.make_kit(),
        "room": f.make_room(site=site),
        "vendor": f.make_vendor(),
        "funding_source": f.make_funding_source(),
        "scan_session": f.make_scan_session(site=site),
        "repair": f.make_repair(device=f.make_device(site=site, status="in_repair")),
        "fee": f.make_fee(device=device, person=make_person(primary_site=site)),
        "physical_audit": f.make_physical_audit(site=site),
        # A finished preview: confirming it from a GET is refused, never run.
        "device_import": ImportRun.objects.create(
            kind="devices", source_name="chromeos.csv", status=ImportRun.Status.DONE
        ),
    }


def service_desk_records(site: Any) -> dict[str, Any]:
    """One of each service desk record, for pages such as /servicedesk/tickets/<pk>/."""
    from datetime import date, time

    from hatrack.directory.models import Closure, WorkingHours
    from hatrack.servicedesk import models as sd

    queue = sd.Queue.objects.create(name="Technology", code="tech")
    category = sd.Category.objects.create(queue=queue, name="Hardware")
    ticket = sd.Ticket.objects.create(
        queue=queue, subject="Projector is dark", requester=make_person(primary_site=site)
    )
    return {
        "queue": queue,
        "category": category,
        "team": sd.Team.objects.create(queue=queue, name="Help desk"),
        "ticket": ticket,
        "message": sd.TicketMessage.objects.create(ticket=ticket, body="It flickers."),
        "attachment": sd.Attachment.objects.create(
            ticket=ticket,
            file=default_storage.save("attachments/x.txt", ContentFile(b"x")),
            filename="x.txt",
            content_type="text/plain",
            size=1,
            sha256="0" * 64,
        ),
        "article": sd.Article.objects.create(
            title="Reset a password", slug="reset-a-password", body="Steps.", published=True
        ),
        "canned": sd.CannedResponse.objects.create(title="Thanks", body="Thank you."),
        "saved_view": sd.SavedView.objects.create(name="Urgent", filters={"priority": "urgent"}),
        "sla_policy": sd.SlaPolicy.objects.create(
            name="Standard", first_response_minutes=240, resolution_minutes=2400
        ),
        "mailbox": sd.Mailbox.objects.create(
            name="Help", queue=queue, host="127.0.0.1", username="help"
        ),
        "inbound_mail": sd.InboundMail.objects.create(
            source="pipe", dedupe_key="a@b", outcome="ignored", reason="Auto-reply"
        ),
        "rule": sd.AutomationRule.objects.create(queue=queue, name="Projectors", actions={}),
        "closure": Closure.objects.create(
            name="Winter break", start_date=date(2026, 12, 21), end_date=date(2027, 1, 1)
        ),
        "working_hours": WorkingHours.objects.create(
            weekday=0, opens=time(7, 30), closes=time(16, 30)
        ),
    }


def page_url(route: Route, records: SimpleNamespace) -> str:
    kwargs = PATH_VALUES[route.name](records) if route.params else {}
    return reverse(route.name, kwargs=kwargs)


def signed_in(role: str, records: SimpleNamespace) -> tuple[Any, Client]:
    """A client signed in as a new user of `role`, who can reach the records' ticket the
    way that role normally does: a technician through the queue's team, a staff member
    as the ticket's requester (leaders and viewers read every ticket anyway)."""
    user = make_user(role)
    if role == Role.TECHNICIAN:
        records.team.members.add(user)
    elif role == Role.STAFF:
        user.person = records.ticket.requester
        user.save()
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user, client


def goes_to_sign_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse(settings.LOGIN_URL)
    )


# --- Every view declares an action from the policy ----------------------------------------


def test_the_project_has_pages_and_an_api_to_check():
    assert len(PAGES) > 20
    assert any(r.is_api for r in ROUTES)


@pytest.mark.parametrize("route", PAGES, ids=route_id)
def test_every_page_declares_an_action_from_the_policy(route):
    action = route.action
    assert action is not None, (
        f"{route.route} ({route.name}) declares no action: decorate "
        f"{route.view.__module__}.{route.view.__name__} with @requires(...) or @public"
    )
    assert action == PUBLIC or action in POLICY, (
        f"{route.route} declares {action!r}, which is not in core.permissions.POLICY"
    )


def test_every_page_is_named_so_it_can_be_checked():
    unnamed = [r.route for r in PAGES if not r.name]
    assert unnamed == [], f"name these URL patterns: {unnamed}"


def test_every_page_with_path_parameters_can_be_filled_or_is_skipped_with_a_reason():
    missing = [r.name for r in PAGES if r.params and r.name not in PATH_VALUES | SKIPPED]
    assert missing == [], f"add these URLs to PATH_VALUES in {__file__}: {missing}"


# --- Every page refuses whoever its policy refuses --------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_refused_by_every_page_but_the_public_ones(district, method):
    client = Client()
    failures = []
    for route in PAGES:
        if route.name in SKIPPED:
            continue
        url = page_url(route, district)
        response = getattr(client, method)(url)
        if route.action == PUBLIC:
            if response.status_code >= 500:
                failures.append(f"{method} {url}: public page answered {response.status_code}")
        elif not (goes_to_sign_in(response) or response.status_code in REFUSED):
            failures.append(f"{method} {url}: anonymous visitor got {response.status_code}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_every_page_its_policy_allows_and_403_from_the_rest(district, role):
    user, client = signed_in(role, district)
    failures = []
    for route in PAGES:
        if route.name in SKIPPED or route.action == PUBLIC:
            continue
        url = page_url(route, district)
        response = client.get(url)
        if not can(user, route.action):
            if response.status_code != 403:
                failures.append(
                    f"{url}: {role} lacks {route.action} but got {response.status_code}"
                )
        elif response.status_code not in PERMITTED or goes_to_sign_in(response):
            failures.append(f"{url}: {role} has {route.action} but got {response.status_code}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_cannot_post_to_any_page_its_policy_refuses(district, role):
    user, client = signed_in(role, district)
    failures = []
    for route in PAGES:
        if route.name in SKIPPED or route.action == PUBLIC or can(user, route.action):
            continue
        url = page_url(route, district)
        response = client.post(url)
        if response.status_code not in REFUSED:
            failures.append(f"{url}: {role} lacks {route.action} but got {response.status_code}")
    assert failures == [], "\n".join(failures)


def test_public_pages_are_only_the_sign_in_password_reset_and_health_pages():
    public = sorted(r.name for r in PAGES if r.action == PUBLIC)
    assert public == [
        "accounts:login",
        "accounts:logout",
        "accounts:password_reset",
        "accounts:password_reset_complete",
        "accounts:password_reset_confirm",
        "accounts:password_reset_sent",
        "healthz",
        "status:confirm",
        "status:page",
        "status:subscribe",
        "status:unsubscribe",
    ]


# --- The API ------------------------------------------------------------------------------

API_PATH_VALUES: dict[str, Callable[[SimpleNamespace], Any]] = {
    "site_id": lambda d: d.site.pk,
    "department_id": lambda d: d.department.pk,
    "person_id": lambda d: d.person.pk,
    "queue_id": lambda d: d.queue.pk,
    "category_id": lambda d: d.category.pk,
    "ticket_id": lambda d: d.ticket.pk,
    # devices
    "device_id": lambda d: d.device.pk,
    "model_id": lambda d: d.device_model.pk,
    "repair_id": lambda d: d.repair.pk,
    # Only POST check-in has it: refusals come before the lookup, permitted writes are
    # the API's own tests, so any id serves.
    "assignment_id": lambda d: 1,
    # systems
    "system_id": lambda d: d.system.pk,
    "dependency_id": lambda d: d.dependency.pk,
    "check_id": lambda d: d.health_check.pk,
    "incident_id": lambda d: d.incident.pk,
}


def api_expected(user: Any, path: str, records: SimpleNamespace) -> int:
    """200, or 404 for a ticket the user may not see: object scoping, not the policy (a
    Staff user and another requester's ticket), answers as for a ticket that is not there."""
    from hatrack.servicedesk.queries import tickets_visible_to

    if "{ticket_id}" in path and not tickets_visible_to(user).filter(pk=records.ticket.pk).exists():
        return 404
    return 200


def api_operations() -> list[tuple[str, str, Callable[..., Any], str | None]]:
    core_api = pytest.importorskip("hatrack.core.api")
    if not hasattr(core_api, "api_operations"):
        pytest.skip("hatrack.core.api.api_operations does not exist yet")
    from hatrack.api import api

    return core_api.api_operations(api)


def api_url(path: str, records: SimpleNamespace) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        if name not in API_PATH_VALUES:
            pytest.fail(f"add the API path parameter {name!r} to API_PATH_VALUES in {__file__}")
        return str(API_PATH_VALUES[name](records))

    return "/" + API_PREFIX.rstrip("/") + re.sub(r"{([^}]+)}", fill, path)


def shape(route: str) -> str:
    """'api/sites/<int:site_id>' and '/sites/{site_id}' both become 'sites/{}'."""
    route = route.removeprefix(API_PREFIX).strip("/")
    return re.sub(r"<[^>]+>|{[^}]+}", "{}", route)


def test_every_api_operation_declares_an_action_from_the_policy():
    operations = api_operations()
    assert operations, "the API has no operations"
    failures = [
        f"{method} {path} ({view.__module__}.{view.__name__}) declares {action!r}"
        for method, path, view, action in operations
        if action not in POLICY
    ]
    assert failures == [], "declare these with @api_requires(...):\n" + "\n".join(failures)


def test_every_api_url_is_an_operation_or_a_guarded_docs_page():
    covered = {shape(path) for _, path, _, _ in api_operations()}
    failures = [
        r.route
        for r in ROUTES
        if r.is_api and shape(r.route) not in covered and r.action not in POLICY
    ]
    assert failures == [], f"API URLs with no declared action: {failures}"


def test_anonymous_callers_get_401_from_every_api_operation(district):
    client = Client()
    failures = []
    for method, path, _, _ in api_operations():
        url = api_url(path, district)
        response = client.generic(method, url, data="{}", content_type="application/json")
        if response.status_code != 401:
            failures.append(f"{method} {url}: anonymous caller got {response.status_code}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_403_from_every_api_operation_its_policy_refuses(district, role):
    user, client = signed_in(role, district)
    failures = []
    for method, path, _, action in api_operations():
        url = api_url(path, district)
        allowed = action in POLICY and can(user, action)
        if method != "GET" and allowed:
            continue  # writes by permitted roles are the API's own tests
        response = client.generic(method, url, data="{}", content_type="application/json")
        if not allowed and response.status_code != 403:
            failures.append(f"{method} {url}: {role} lacks {action} but got {response.status_code}")
        if allowed and response.status_code != api_expected(user, path, district):
            failures.append(f"{method} {url}: {role} has {action} but got {response.status_code}")
    assert failures == [], "\n".join(failures)


def test_the_api_docs_and_schema_are_refused_to_anonymous_callers(db):
    client = Client()
    failures = []
    for route in ROUTES:
        if not route.is_api or route.params or route.action not in POLICY:
            continue
        response = client.get("/" + route.route)
        if not (goes_to_sign_in(response) or response.status_code in (401, 403)):
            failures.append(f"/{route.route}: anonymous caller got {response.status_code}")
    assert failures == [], "\n".join(failures)
