"""One unit of the check loop's work: claim the due checks, probe them, record the results.

Claiming moves each check's `next_run_at` to its next slot after now, counted from the
slot it was due (`due + k * interval`), by a conditional UPDATE on the value read, so two
workers never run the same slot, the schedule never drifts, and a check whose slots were
missed (the worker was stopped) runs once, not once per missed slot.

Probes run in threads; only the calling thread writes to the database (SQLite allows one
writer). A check's state moves UP -> FAILING on a failed run, -> DOWN when
`failures_to_confirm` runs in a row failed (an `Outage` from the first of them, and the
incident service is told), and back to UP on one success (the outage ends, the incident
service is told). A single failed run therefore never raises an alert.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hatrack.systems.checks.probes import ProbeResult, ProbeSpec, probe
from hatrack.systems.models import Check, CheckResult, CheckState, Outage
from hatrack.systems.services import outages
from hatrack.systems.services.states import refresh_system_states

logger = logging.getLogger("hatrack.checks")

# Added to a probe's longest possible run (timeout x tries) before its claim lapses.
LEASE_MARGIN = timedelta(seconds=30)
STATE_FIELDS = (
    "state",
    "consecutive_failures",
    "failing_since",
    "last_run_at",
    "last_ok_at",
    "last_response_ms",
    "last_error",
    "tls_expires_at",
    "lease_until",
)


@dataclass
class RunReport:
    claimed: int = 0
    ok: int = 0
    failed: int = 0
    confirmed_down: int = 0
    recovered: int = 0
    duration: float = 0.0


def next_slot(due: datetime | None, interval: int, now: datetime) -> datetime:
    """The first slot strictly after `now` on the grid `due + k * interval`."""
    if due is None or due > now:
        return now + timedelta(seconds=interval)
    missed = int((now - due).total_seconds() // interval)
    return due + timedelta(seconds=interval * (missed + 1))


def due_checks(now: datetime) -> Any:
    return (
        Check.objects.enabled()
        .filter(Q(next_run_at__lte=now) | Q(next_run_at__isnull=True))
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    )


def claim_due(*, now: datetime, limit: int = 500) -> list[Check]:
    """Take up to `limit` due checks, oldest slot first; each by a conditional UPDATE so a
    check another worker took meanwhile is skipped."""
    candidates = list(
        due_checks(now)
        .select_related("system")
        .order_by(F("next_run_at").asc(nulls_first=True), "pk")[:limit]
    )
    claimed = []
    with transaction.atomic():
        for check in candidates:
            lease = (
                now + LEASE_MARGIN + timedelta(seconds=check.timeout_seconds * (1 + check.retries))
            )
            moved = next_slot(check.next_run_at, check.interval_seconds, now)
            won = Check.objects.filter(
                pk=check.pk, next_run_at=check.next_run_at, enabled=True
            ).update(next_run_at=moved, lease_until=lease)
            if won:
                check.next_run_at, check.lease_until = moved, lease
                claimed.append(check)
    return claimed


def probe_checks(
    checks: Sequence[Check], *, executor: Executor | None = None, **options: Any
) -> list[ProbeResult]:
    """Probe every check at once (threads); results in the order of `checks`."""
    specs = [ProbeSpec.of(check) for check in checks]
    if not specs:
        return []
    if executor is not None:
        return list(executor.map(lambda spec: probe(spec, **options), specs))
    workers = max(1, min(settings.HATRACK_CHECKS_CONCURRENCY, len(specs)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hatrack-probe") as pool:
        return list(pool.map(lambda spec: probe(spec, **options), specs))


def run_due_checks(
    *,
    now: datetime | None = None,
    limit: int = 500,
    executor: Executor | None = None,
    **options: Any,
) -> RunReport:
    """Claim, probe and record the checks due at `now`. `options` go to the probes
    (`resolver`, `ssl_context`; tests only)."""
    started = time.monotonic()
    now = now or timezone.now()
    checks = claim_due(now=now, limit=limit)
    results = probe_checks(checks, executor=executor, **options)
    report = record_results(list(zip(checks, results, strict=True)), now=now)
    report.duration = time.monotonic() - started
    return report


def record_results(runs: Iterable[tuple[Check, ProbeResult]], *, now: datetime) -> RunReport:
    """Store each run's result and move each check's state; tell the incident service
    about confirmed outages and recoveries; refresh the states of the systems touched."""
    runs = list(runs)
    report = RunReport(claimed=len(runs))
    if not runs:
        return report
    open_outages = {
        o.check_ref_id: o
        for o in Outage.objects.filter(check_ref__in=[c.pk for c, _ in runs], ended_at__isnull=True)
    }
    changed_systems: set[int] = set()
    with transaction.atomic():
        CheckResult.objects.bulk_create(
            CheckResult(
                check_ref=check,
                checked_at=now,
                ok=result.ok,
                response_ms=result.response_ms,
                error=result.error[:200] if not result.ok else "",
            )
            for check, result in runs
        )
        for check, result in runs:
            before = check.state
            event = _advance(check, result, now, open_outages.get(check.pk))
            report.ok += result.ok
            report.failed += not result.ok
            report.confirmed_down += event == "down"
            report.recovered += event == "recovered"
            if check.state != before or event:
                changed_systems.add(check.system_id)
        Check.objects.bulk_update([c for c, _ in runs], STATE_FIELDS, batch_size=200)
        if changed_systems:
            refresh_system_states(changed_systems, now=now)
    return report


def _advance(check: Check, result: ProbeResult, now: datetime, outage: Outage | None) -> str:
    """Move one check's state for one run; returns "down", "recovered" or ""."""
    check.last_run_at = now
    check.last_response_ms = result.response_ms
    check.last_error = result.error[:300]
    check.lease_until = None
    if result.tls_expires_at is not None:
        check.tls_expires_at = result.tls_expires_at
    if result.ok:
        return _succeeded(check, result, now, outage)
    check.consecutive_failures += 1
    if check.consecutive_failures == 1 or check.failing_since is None:
        check.failing_since = now
    if outage is not None:
        check.state = CheckState.DOWN
        return ""
    if check.consecutive_failures >= check.failures_to_confirm:
        check.state = CheckState.DOWN
        _confirm_down(check, now)
        return "down"
    check.state = CheckState.FAILING
    return ""


def _succeeded(check: Check, result: ProbeResult, now: datetime, outage: Outage | None) -> str:
    check.state = CheckState.WARNING if result.warning else CheckState.UP
    check.consecutive_failures = 0
    check.failing_since = None
    check.last_ok_at = now
    if outage is None:
        return ""
    outage.ended_at = max(now, outage.started_at)
    outage.save(update_fields=["ended_at"])
    _tell_incidents(outages.check_recovered, check=check, outage=outage, now=now)
    return "recovered"


def _confirm_down(check: Check, now: datetime) -> None:
    outage = Outage.objects.create(
        check_ref=check,
        system_id=check.system_id,
        started_at=check.failing_since or now,
        detected_at=now,
        degraded=check.degrades_only,
    )
    _tell_incidents(outages.check_confirmed_down, check=check, outage=outage, now=now)


def _tell_incidents(hook: Callable[..., Any], **kwargs: Any) -> None:
    """Call the incident service (`services.outages`); its failure is logged in a
    savepoint of its own and never loses the outage or stops the loop."""
    try:
        with transaction.atomic():
            hook(**kwargs)
    except Exception:
        logger.exception("The incident service failed on %s", hook.__name__)
