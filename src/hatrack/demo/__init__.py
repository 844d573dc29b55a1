"""The demo district: a fictional, deterministic district to try Hatrack on.

`load_demo()` runs, in order, the `load(rng, context)` function of each module in
DEMO_MODULES, inside one transaction, then records one audit batch with the counts.
Each module gets its own random generator seeded from SEED and its own name, so adding
a generator (devices, tickets, systems) never changes what the others produce. A module
reads what earlier ones made from `context.records` and adds its counts to
`context.counts`.

Idempotent: when a district is already in the database, nothing is loaded. `fresh=True`
first empties the database, but only when it holds the demo district or nothing at all.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Protocol

from django.core.management import call_command
from django.db import transaction

DEMO_MODULES = [
    "hatrack.directory.demo",
    "hatrack.accounts.demo",
    "hatrack.servicedesk.demo",
    "hatrack.devices.demo",
    "hatrack.systems.demo",
]
SEED = 1874
# Marks the demo district, so --fresh never erases a real district's data.
DEMO_SOURCE_ID = "hatrack-demo"


class Writer(Protocol):
    def write(self, text: str, /) -> object: ...


class DemoRefused(Exception):
    """The database holds data that is not the demo district's; it is left untouched."""


@dataclass
class DemoContext:
    """What the generators share: records made so far (by name) and counts for the audit."""

    records: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class DemoOutcome:
    loaded: bool
    message: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # Seconds each app's part took, by its module ("hatrack.devices.demo": 5.5).
    step_seconds: dict[str, float] = field(default_factory=dict)


def load_demo(*, fresh: bool = False, stdout: Writer | None = None) -> DemoOutcome:
    """Load the demo district unless a district is already there (or rebuild it: `fresh`).

    Raises DemoRefused when `fresh` would erase data that is not the demo district's.
    """
    from hatrack.directory.models import District

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text + "\n")

    if fresh:
        _empty_database()
    elif existing := District.objects.first():
        if existing.source_id == DEMO_SOURCE_ID:
            return DemoOutcome(False, f"The demo district is already loaded: {existing.name}.")
        return DemoOutcome(False, f"This database already holds {existing.name}; no demo added.")
    started = time.perf_counter()
    context = DemoContext()
    steps: dict[str, float] = {}
    with transaction.atomic():
        for path in DEMO_MODULES:
            step = time.perf_counter()
            import_module(path).load(random.Random(f"{SEED}:{path}"), context)
            steps[path] = time.perf_counter() - step
            say(f"  {path}: {steps[path]:.1f} s")
        _record(context)
    seconds = time.perf_counter() - started
    name = context.records["district"].name
    message = f"Loaded the demo district: {name}."
    return DemoOutcome(True, message, dict(context.counts), seconds, steps)


def _record(context: DemoContext) -> None:
    from hatrack.core.audit import record_batch
    from hatrack.directory.models import District

    parts = ", ".join(f"{n:,} {what}" for what, n in context.counts.items())
    record_batch(
        model=District, by=None, summary=f"Demo district loaded: {parts}", counts=context.counts
    )


def _empty_database() -> None:
    check_erasable()
    call_command("flush", interactive=False, verbosity=0)


def check_erasable() -> None:
    """Raise DemoRefused unless the database holds the demo district or nothing at all."""
    from hatrack.accounts.demo import DEMO_ACCOUNTS
    from hatrack.accounts.models import User
    from hatrack.directory.models import District

    district = District.objects.first()
    if district is not None and district.source_id != DEMO_SOURCE_ID:
        raise DemoRefused(
            f"This database holds {district.name}, not the demo district: refusing to erase it. "
            "Point HATRACK_DATA_DIR or DATABASE_URL at another database for the demo."
        )
    demo_names = [account.username for account in DEMO_ACCOUNTS]
    if district is None and User.objects.exclude(username__in=demo_names).exists():
        raise DemoRefused(
            "This database has user accounts but no demo district: refusing to erase it."
        )
