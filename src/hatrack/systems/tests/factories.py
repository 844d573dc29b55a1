"""Test records of the systems hat, made straight through the ORM: `make_<thing>(**overrides)`.

Tests of behaviour go through services and pages; these only lay the ground."""

from __future__ import annotations

from datetime import datetime
from itertools import count
from typing import Any

from django.utils import timezone

from hatrack.systems.models import (
    DEFAULT_EFFECT,
    Check,
    CheckKind,
    Dependency,
    DependencyKind,
    Hosting,
    Incident,
    IncidentRole,
    IncidentSource,
    IncidentSystem,
    Kind,
    MaintenanceWindow,
    System,
)

_numbers = count(1)


def make_system(**overrides: Any) -> System:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "name": f"System {n}",
        "kind": Kind.OTHER,
        "hosting": Hosting.SAAS,
        "tier": 2,
    }
    fields.update(overrides)
    return System.objects.create(**fields)


def make_dependency(system: System, depends_on: System, **overrides: Any) -> Dependency:
    kind = overrides.pop("kind", DependencyKind.AUTHENTICATES)
    effect = overrides.pop("effect", DEFAULT_EFFECT[DependencyKind(kind)])
    return Dependency.objects.create(
        system=system, depends_on=depends_on, kind=kind, effect=effect, **overrides
    )


def make_check(system: System | None = None, **overrides: Any) -> Check:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "system": system or make_system(),
        "name": f"Check {n}",
        "kind": CheckKind.HTTP,
        "target": "http://127.0.0.1:9/health",
        "interval_seconds": 60,
        "timeout_seconds": 2.0,
        "retries": 0,
        "failures_to_confirm": 2,
    }
    fields.update(overrides)
    return Check.objects.create(**fields)


def make_incident(
    *systems: System, started_at: datetime | None = None, **overrides: Any
) -> Incident:
    n = next(_numbers)
    started = started_at or timezone.now()
    fields: dict[str, Any] = {
        "title": f"Incident {n}",
        "source": IncidentSource.MANUAL,
        "started_at": started,
        "detected_at": started,
    }
    fields.update(overrides)
    incident = Incident.objects.create(**fields)
    IncidentSystem.objects.bulk_create(
        IncidentSystem(incident=incident, system=s, role=IncidentRole.CAUSE) for s in systems
    )
    return incident


def make_maintenance(
    *systems: System, starts_at: datetime, ends_at: datetime, **overrides: Any
) -> MaintenanceWindow:
    fields: dict[str, Any] = {
        "title": "Planned upgrade",
        "starts_at": starts_at,
        "ends_at": ends_at,
    }
    fields.update(overrides)
    window = MaintenanceWindow.objects.create(**fields)
    window.systems.set(systems)
    return window
