"""The metrics page's figures and charts for a scope, cached for a minute.

Cached per scope (dates, queue, site), so a leader reloading the page costs nothing,
and a ticket resolved a moment ago shows within CACHE_SECONDS, or at once with
`fresh=True` (the page's "Refresh now", `?refresh=1`).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils import timezone

from hatrack.servicedesk.metrics import charts, figures
from hatrack.servicedesk.metrics.figures import Scope

CACHE_SECONDS = 60


def cache_key(scope: Scope) -> str:
    period = scope.period
    return (
        f"servicedesk:metrics:{period.first.isoformat()}:{period.last.isoformat()}:"
        f"{period.zone.key}:{scope.queue or '-'}:{scope.site or '-'}"
    )


def metrics_for(scope: Scope, *, fresh: bool = False, with_charts: bool = True) -> dict[str, Any]:
    """The figures (and, unless `with_charts` is False, the charts) of the scope, with
    `computed_at`; from the cache when a computation of the last minute is there."""
    key = cache_key(scope)
    found: dict[str, Any] | None = None if fresh else cache.get(key)
    if found is None or (with_charts and "charts" not in found):
        found = {"figures": figures.compute(scope), "computed_at": timezone.now()}
        if with_charts:
            found["charts"] = charts.draw(found["figures"])
        cache.set(key, found, CACHE_SECONDS)
    return found
