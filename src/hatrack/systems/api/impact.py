"""Impact analysis and uptime over the API, for every reader (`systems.view`): what fails
or degrades when some systems fail (`systems.graph.impact_of`), and a system's uptime
over the last days (`systems.uptime`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.params import functions as param

from hatrack.core.api import ONE_ERRORS, WRITE_ERRORS, api_requires, get_or_404
from hatrack.systems.api.common import VIEW
from hatrack.systems.api.schemas import ImpactIn, ImpactOut, UptimeOut
from hatrack.systems.graph import Impact, impact_of
from hatrack.systems.models import System
from hatrack.systems.uptime import downtime, uptime_percent

router = Router(tags=["impact"])
MOST_FAILED = 500
# The link form may name no system yet: nothing failed, so nothing is impacted.
FAILED_QUERY = param.Query(
    [], max_length=MOST_FAILED, description="Ids of failed systems (none: an empty impact)."
)


def present_impact(impact: Impact) -> dict[str, Any]:
    return {
        "selected": list(impact.selected),
        "systems": [
            {
                "id": s.id,
                "name": s.name,
                "tier": s.tier,
                "kind": s.kind,
                "effect": s.effect,
                "via": list(s.via),
                "depth": s.depth,
            }
            for s in impact.systems
        ],
        "people": impact.people,
        "sites": [{"id": pk, "name": name} for pk, name in impact.sites],
        "all_sites": impact.all_sites,
        "audiences": list(impact.audiences),
        "families": impact.families,
    }


def _impact(failed: list[int]) -> dict[str, Any]:
    ids = list(dict.fromkeys(failed))
    known = set(System.objects.filter(pk__in=ids).values_list("id", flat=True))
    missing = [pk for pk in ids if pk not in known]
    if missing:
        raise ValidationError({"failed": f"No system has the id {missing[0]}."})
    return present_impact(impact_of(ids))


@router.post("/impact", response={200: ImpactOut, **WRITE_ERRORS})
@api_requires(VIEW)
def impact_post(request: HttpRequest, payload: ImpactIn) -> Any:
    """What fails and degrades, and who is affected, when the `failed` systems fail."""
    return _impact(payload.failed)


@router.get("/impact", response={200: ImpactOut, **WRITE_ERRORS})
@api_requires(VIEW)
def impact_get(
    request: HttpRequest,
    failed: list[int] = FAILED_QUERY,
) -> Any:
    """The same as POST /impact, for a link: `?failed=1&failed=2`."""
    return _impact(failed)


@router.get("/systems/{system_id}/uptime", response={200: UptimeOut, **ONE_ERRORS})
@api_requires(VIEW)
def system_uptime(
    request: HttpRequest,
    system_id: int,
    days: int = param.Query(90, ge=1, le=365, description="The last this many days, to now."),
) -> Any:
    """The share of the last `days` the system was up, from its checks' outages
    (degraded time and maintenance windows count as up)."""
    system = get_or_404(System, system_id)
    end = timezone.now()
    start = end - dt.timedelta(days=days)
    down = downtime([system.pk], start, end)[system.pk]
    return {
        "system_id": system.pk,
        "days": days,
        "start": start,
        "end": end,
        "uptime_percent": uptime_percent([system.pk], start, end)[system.pk],
        "downtime_seconds": down.total_seconds(),
    }
