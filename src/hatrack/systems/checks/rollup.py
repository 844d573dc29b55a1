"""Compact history: raw results older than 7 days become one `CheckRollup` row per check
and hour. Each batch merges its rows into the rollups and deletes them in one transaction,
so a round that stops half-way, or runs twice, never counts a result twice."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from hatrack.systems.models import CheckResult, CheckRollup

RAW_DAYS = 7
BATCH = 5000


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def roll_up_results(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Roll up every raw result older than RAW_DAYS (whole hours); returns how many."""
    cutoff = _hour((now or timezone.now()) - timedelta(days=RAW_DAYS))
    total = 0
    while rolled := _roll_up_batch(cutoff, batch):
        total += rolled
    return total


def _roll_up_batch(cutoff: datetime, batch: int) -> int:
    with transaction.atomic():
        rows = list(
            CheckResult.objects.filter(checked_at__lt=cutoff)
            .order_by("pk")
            .values_list("pk", "check_ref_id", "checked_at", "ok", "response_ms")[:batch]
        )
        if not rows:
            return 0
        sums: dict[tuple[int, datetime], CheckRollup] = {}
        for _, check_id, checked_at, ok, ms in rows:
            key = (check_id, _hour(checked_at))
            rollup = sums.get(key) or CheckRollup(
                check_ref_id=check_id, hour=key[1], runs=0, failures=0
            )
            sums[key] = rollup
            _add(rollup, ok=ok, ms=ms)
        _merge(sums)
        CheckResult.objects.filter(pk__in=[row[0] for row in rows]).delete()
    return len(rows)


def _add(rollup: CheckRollup, *, ok: bool, ms: int | None) -> None:
    rollup.runs += 1
    rollup.failures += not ok
    if ms is not None:
        rollup.timed_runs += 1
        rollup.total_ms += ms
        rollup.min_ms = ms if rollup.min_ms is None else min(rollup.min_ms, ms)
        rollup.max_ms = ms if rollup.max_ms is None else max(rollup.max_ms, ms)


def _merge(sums: dict[tuple[int, datetime], CheckRollup]) -> None:
    by_key = defaultdict(list)
    existing = CheckRollup.objects.filter(
        check_ref_id__in={k[0] for k in sums}, hour__in={k[1] for k in sums}
    )
    for old in existing:
        by_key[(old.check_ref_id, old.hour)].append(old)
    updated = []
    for key, new in list(sums.items()):
        for old in by_key.get(key, []):
            old.runs += new.runs
            old.failures += new.failures
            old.timed_runs += new.timed_runs
            old.total_ms += new.total_ms
            old.min_ms = _pick(min, old.min_ms, new.min_ms)
            old.max_ms = _pick(max, old.max_ms, new.max_ms)
            updated.append(old)
            del sums[key]
    CheckRollup.objects.bulk_update(
        updated, ["runs", "failures", "timed_runs", "total_ms", "min_ms", "max_ms"]
    )
    CheckRollup.objects.bulk_create(sums.values())


def _pick(choose: object, a: int | None, b: int | None) -> int | None:
    values = [v for v in (a, b) if v is not None]
    return choose(values) if values else None  # type: ignore[operator]
