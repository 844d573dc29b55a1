"""The catalog: systems and the dependencies between them, changed by the technology leader.

Each function is keyword-only, validates the whole record (field validators, the unique
name, the model's constraints with their messages, and the rules below) before writing,
writes in one transaction, records the audit entry in it and moves the dependency
graph's version (`systems.graph.bump_graph_version`) so cached graphs reload. Invalid
input raises ValidationError with a message per field and writes nothing.

Rules beyond the model:
- `audiences` and `data_held` hold only Audience and DataKind values (each once).
- `links` is a list of {"title", "url"} with http(s) URLs only.
- A system holding student or health records needs a privacy of Confidential or
  Restricted. We refuse rather than raise it silently: the classification is a
  decision someone should make knowingly.
- Owners are staff, never students.
- Runbook and continuity plan Markdown is rendered and sanitized into `runbook_html` and
  `continuity_html` on every save; pages show only those.
Systems are retired (`active=False`), never deleted: incidents and uptime name them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from hatrack.core import audit
from hatrack.directory.models import FundingSource, Person, Site, Vendor
from hatrack.servicedesk.services.knowledge import render_markdown
from hatrack.systems.graph import bump_graph_version
from hatrack.systems.models import (
    DEFAULT_EFFECT,
    Audience,
    DataKind,
    Dependency,
    DependencyKind,
    Effect,
    Privacy,
    System,
)

if TYPE_CHECKING:
    from hatrack.accounts.models import User

MAX_LINKS = 20
MAX_LINK_TITLE = 200
SENSITIVE_DATA = frozenset({DataKind.STUDENT.value, DataKind.HEALTH.value})
PROTECTED_PRIVACY = frozenset({Privacy.CONFIDENTIAL.value, Privacy.RESTRICTED.value})
_http_url = URLValidator(schemes=["http", "https"])


class SystemValues(TypedDict, total=False):
    name: str
    kind: str
    description: str
    vendor: Vendor | None
    owner: Person | None
    backup_owner: Person | None
    hosting: str
    tier: int
    audiences: Iterable[str]
    sites: Iterable[Site]
    approximate_users: int | None
    data_held: Iterable[str]
    privacy: str
    rto_minutes: int | None
    rpo_minutes: int | None
    has_failover: bool
    renewal_date: datetime.date | None
    annual_cost: Decimal | None
    funding_source: FundingSource | None
    runbook: str
    continuity_plan: str
    links: Iterable[dict[str, str]]
    published: bool
    public_name: str
    public_description: str
    active: bool


# --- Cleaning -----------------------------------------------------------------------


def _choices(values: Iterable[str], allowed: Iterable[str], *, field: str, what: str) -> list[str]:
    """Each value once, in the order given; anything unknown is refused by name."""
    known = set(allowed)
    cleaned = list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))
    unknown = [v for v in cleaned if v not in known]
    if unknown:
        raise ValidationError({field: f"“{unknown[0][:40]}” is not a known {what}."})
    return cleaned


def clean_links(links: Iterable[Any]) -> list[dict[str, str]]:
    """[{"title": "Admin guide", "url": "https://…"}]: trimmed, http(s) only, at most 20.
    A link without a title is titled by its URL."""
    cleaned = []
    for link in links:
        if not isinstance(link, dict):
            raise ValidationError({"links": "Each link needs a title and a URL."})
        url = str(link.get("url") or "").strip()
        title = str(link.get("title") or "").strip() or url
        try:
            _http_url(url)
        except ValidationError:
            shown = url[:60] or "(empty)"
            message = f"“{shown}” is not a web address starting with http:// or https://."
            raise ValidationError({"links": message}) from None
        if len(title) > MAX_LINK_TITLE:
            raise ValidationError({"links": f"Keep link titles to {MAX_LINK_TITLE} characters."})
        cleaned.append({"title": title, "url": url})
    if len(cleaned) > MAX_LINKS:
        raise ValidationError({"links": f"A system keeps at most {MAX_LINKS} links."})
    return cleaned


def _assign(system: System, values: dict[str, Any]) -> list[Site] | None:
    """Set the fields on `system`; returns the sites to set afterwards (None: unchanged)."""
    sites = values.pop("sites", None)
    known = {f.name for f in System._meta.get_fields()}
    for name, value in values.items():
        if name not in known or name in ("runbook_html", "continuity_html", "state"):
            raise TypeError(f"System has no editable field {name!r}")
        setattr(system, name, value.strip() if isinstance(value, str) else value)
    return None if sites is None else list(sites)


def _check_rules(system: System) -> None:
    system.audiences = _choices(
        system.audiences or [], Audience.values, field="audiences", what="audience"
    )
    system.data_held = _choices(
        system.data_held or [], DataKind.values, field="data_held", what="kind of data"
    )
    system.links = clean_links(system.links or [])
    if SENSITIVE_DATA & set(system.data_held) and system.privacy not in PROTECTED_PRIVACY:
        raise ValidationError(
            {
                "privacy": "A system holding student or health records is Confidential or "
                "Restricted; choose one of those."
            }
        )
    for field in ("owner", "backup_owner"):
        person = getattr(system, field)
        if person is not None and person.role == Person.Role.STUDENT:
            raise ValidationError({field: "Owners are members of staff, not students."})
    if system.owner_id and system.owner_id == system.backup_owner_id:
        raise ValidationError({"backup_owner": "The backup owner is someone other than the owner."})


def _save_system(system: System) -> None:
    _check_rules(system)
    system.full_clean()
    system.runbook_html = render_markdown(system.runbook)
    system.continuity_html = render_markdown(system.continuity_plan)
    system.save()


def _site_ids(system: System) -> list[int]:
    return sorted(system.sites.values_list("id", flat=True))


def _set_sites(system: System, sites: list[Site] | None, *, by: User | None) -> None:
    if sites is None:
        return
    before = _site_ids(system) if system.pk else []
    after = sorted({site.pk for site in sites})
    if before == after:
        return
    system.sites.set(after)
    audit.record_event(system, by=by, summary="Sites changed", changes={"sites": [before, after]})


# --- Systems ------------------------------------------------------------------------


def create_system(*, by: User | None, **values: Unpack[SystemValues]) -> System:
    """Add a system to the catalog. Raises ValidationError (name taken, unknown audience,
    a link that is not http(s), sensitive data with too low a privacy...)."""
    system = System()
    sites = _assign(system, dict(values))
    with transaction.atomic():
        _save_system(system)
        audit.record_create(system, by=by)
        _set_sites(system, sites, by=by)
        bump_graph_version()
    return system


def update_system(*, system: System, by: User | None, **changes: Unpack[SystemValues]) -> System:
    """Change a system's facts (including `active`). Audited with before and after; the
    system in hand is left as it was when the changes are refused."""
    before = audit.snapshot(system)
    working = System.objects.get(pk=system.pk)
    sites = _assign(working, dict(changes))
    with transaction.atomic():
        _save_system(working)
        audit.record_update(working, before, by=by)
        _set_sites(working, sites, by=by)
        bump_graph_version()
    system.refresh_from_db()
    return system


def retire_system(*, system: System, by: User | None) -> System:
    """Take a system out of the active catalog (its history stays). Idempotent."""
    return update_system(system=system, by=by, active=False)


def activate_system(*, system: System, by: User | None) -> System:
    """Bring a retired system back into the active catalog. Idempotent."""
    return update_system(system=system, by=by, active=True)


# --- Dependencies -------------------------------------------------------------------


def _save_dependency(dependency: Dependency) -> None:
    if not dependency.depends_on.active and dependency.depends_on_id != dependency.system_id:
        raise ValidationError(
            {"depends_on": f"{dependency.depends_on} is retired; bring it back first."}
        )
    dependency.note = dependency.note.strip()
    dependency.full_clean()
    dependency.save()


def add_dependency(
    *,
    system: System,
    depends_on: System,
    kind: str,
    effect: str | None = None,
    note: str = "",
    by: User | None,
) -> Dependency:
    """Record that `system` depends on `depends_on` in the way `kind` says. Without an
    `effect`, the kind's usual one (DEFAULT_EFFECT). Cycles are allowed (and flagged on
    the pages). Raises ValidationError for a duplicate, a self-dependency, an unknown
    kind or effect."""
    if kind not in DependencyKind.values:
        raise ValidationError({"kind": "Choose how the system depends on the other."})
    dependency = Dependency(
        system=system,
        depends_on=depends_on,
        kind=kind,
        effect=effect or DEFAULT_EFFECT[DependencyKind(kind)],
        note=note,
    )
    with transaction.atomic():
        _save_dependency(dependency)
        audit.record_create(dependency, by=by)
        bump_graph_version()
    return dependency


def update_dependency(
    *,
    dependency: Dependency,
    by: User | None,
    kind: str | None = None,
    effect: str | None = None,
    note: str | None = None,
) -> Dependency:
    """Change a dependency's kind, effect or note (None leaves it). Audited."""
    before = audit.snapshot(dependency)
    working = Dependency.objects.select_related("depends_on").get(pk=dependency.pk)
    if kind is not None:
        working.kind = kind
    if effect is not None:
        if effect not in Effect.values:
            raise ValidationError({"effect": "Choose whether the system fails or degrades."})
        working.effect = effect
    if note is not None:
        working.note = note
    with transaction.atomic():
        _save_dependency(working)
        audit.record_update(working, before, by=by)
        bump_graph_version()
    dependency.refresh_from_db()
    return dependency


def remove_dependency(*, dependency: Dependency, by: User | None) -> None:
    """Delete a dependency; the audit entry keeps what it was."""
    with transaction.atomic():
        audit.record_delete(dependency, by=by)
        dependency.delete()
        bump_graph_version()
