"""The check loop that `hatrack worker` runs in a thread of its own.

Each tick claims the checks now due (runner.claim_due), hands them to a pool of probe
threads, and records the probes that have finished (runner.record_results), then waits
until the next check is due, a probe finishes, or a second passes. Probes are pipelined:
a slow or timing-out target does not hold back checks due meanwhile. Only this thread
writes to the database, through its own connection.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import Min, Q
from django.utils import timezone

from hatrack.systems.checks.probes import ProbeResult, ProbeSpec, probe
from hatrack.systems.checks.runner import RunReport, claim_due, record_results
from hatrack.systems.models import Check

logger = logging.getLogger("hatrack.checks")

# The loop looks for due checks at least this often (seconds).
MAX_WAIT = 1.0


class CheckLoop:
    """Start with `start()`, stop with `stop()`; `tick()` is one unit of work."""

    def __init__(self, *, concurrency: int | None = None, **options: Any) -> None:
        self.concurrency = concurrency or settings.HATRACK_CHECKS_CONCURRENCY
        self.options = options  # passed to the probes (tests: resolver, ssl_context)
        self.stopping = threading.Event()
        self.pool: ThreadPoolExecutor | None = None
        self.thread: threading.Thread | None = None
        self.in_flight: dict[Future[ProbeResult], tuple[Check, datetime]] = {}
        self.totals = RunReport()

    def start(self) -> threading.Thread:
        self.thread = threading.Thread(target=self.run, name="hatrack-checks", daemon=True)
        self.thread.start()
        return self.thread

    def stop(self, timeout: float = 70.0) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def run(self) -> None:
        self.pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="hatrack-probe")
        try:
            while not self.stopping.is_set():
                self._wait(self._safe_tick())
            for future in list(self.in_flight):
                future.exception()  # every probe ends within its own timeout
            self._safe_tick(claim=False)
        finally:
            self.pool.shutdown(wait=False, cancel_futures=True)
            connection.close()

    def _safe_tick(self, *, claim: bool = True) -> float:
        close_old_connections()
        try:
            return self.tick(claim=claim)
        except DatabaseError:
            logger.exception("The check loop could not reach the database; trying again")
            return MAX_WAIT

    def _wait(self, seconds: float) -> None:
        if self.in_flight:
            wait(list(self.in_flight), timeout=seconds, return_when=FIRST_COMPLETED)
        else:
            self.stopping.wait(seconds)

    def tick(self, *, now: datetime | None = None, claim: bool = True) -> float:
        """Record finished probes, claim and start due ones; returns seconds to wait."""
        self.record_finished()
        now = now or timezone.now()
        room = self.concurrency * 2 - len(self.in_flight)
        if claim and room > 0:
            for check in claim_due(now=now, limit=room):
                self.submit(check, now)
        return self.seconds_until_due(timezone.now())

    def submit(self, check: Check, now: datetime) -> None:
        if self.pool is None:
            raise RuntimeError("The check loop is not running.")
        future = self.pool.submit(probe, ProbeSpec.of(check), **self.options)
        self.in_flight[future] = (check, now)

    def record_finished(self) -> None:
        done = [f for f in self.in_flight if f.done()]
        by_time: dict[datetime, list[tuple[Check, ProbeResult]]] = defaultdict(list)
        for future in done:
            check, claimed_at = self.in_flight.pop(future)
            by_time[claimed_at].append((check, _result_of(future)))
        for claimed_at, runs in sorted(by_time.items()):
            report = record_results(runs, now=claimed_at)
            for name in ("claimed", "ok", "failed", "confirmed_down", "recovered"):
                setattr(self.totals, name, getattr(self.totals, name) + getattr(report, name))

    def seconds_until_due(self, now: datetime) -> float:
        earliest = (
            Check.objects.enabled()
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .aggregate(first=Min("next_run_at"))["first"]
        )
        if earliest is None:
            return MAX_WAIT
        return float(max(0.0, min(MAX_WAIT, (earliest - now).total_seconds())))


def _result_of(future: Future[ProbeResult]) -> ProbeResult:
    error = future.exception()
    if error is None:
        return future.result()
    logger.error("A probe raised %r", error)
    return ProbeResult(ok=False, error=f"the probe failed: {type(error).__name__}")
