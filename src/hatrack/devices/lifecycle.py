"""The leader's lifecycle figures: what the fleet is, how old, when it must be replaced and
at what cost, how often each model breaks, and how many devices go missing each year.

Three grouped queries read the devices table (and the repairs of the last 12 months)
once each, whatever the size of the fleet; Python only folds the grouped rows (a few
thousand at most: model x age x year of purchase x warranty state) into the page's tables.
The figures are for planning, not live: `lifecycle_for` keeps them for CACHE_SECONDS
per site, and "Refresh now" recomputes them.

Definitions the page states too:
- *in the fleet*: in stock, deployed, on loan or in repair (`IN_FLEET`);
- *auto-update expiration*: the device's own date (from the console) else its model's;
- *end of life*: the earlier of the auto-update expiration and the purchase date plus
  the model's expected life; replaced in the fiscal year (July to June) it falls in,
  priced at the model's replacement cost, else what the device cost;
- *lost or stolen in a year*: by when the device was last changed (marking it lost
  is its last change), per fiscal year.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.utils import timezone

from hatrack.devices.models import IN_FLEET, Category, Device, DeviceModel, Repair, Status
from hatrack.directory.models import Site

CACHE_SECONDS = 600
NEAR = dt.timedelta(days=365)
FORECAST_YEARS = 6  # this fiscal year and the five after it
AGE_BUCKETS = 7  # under 1 year ... 6 years and more
REPAIR_WINDOW = dt.timedelta(days=365)
OLDEST_PURCHASE = 20  # fiscal years of purchase told apart
LOSS_YEARS = 10  # fiscal years of losses told apart


@dataclass(frozen=True)
class Scope:
    """What the figures cover: one site or all (None), as of `today` (local date)."""

    site: int | None
    today: dt.date

    @property
    def cache_key(self) -> str:
        return f"devices:lifecycle:{self.site or 'all'}:{self.today.isoformat()}"


def fiscal_year(day: dt.date) -> int:
    """The fiscal (and school) year a day falls in, named by the year it starts: July 1."""
    return day.year if day.month >= 7 else day.year - 1


def fiscal_label(year: int) -> str:
    return f"{year}–{(year + 1) % 100:02d}"


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # February 29th
        return day.replace(year=day.year + years, day=28)


@dataclass
class ModelFigures:
    """One model's row in the page's tables."""

    id: int
    label: str
    category: str
    aue: dt.date | None
    life: int
    price: Decimal | None
    by_status: dict[str, int] = field(default_factory=dict)
    aue_past: int = 0
    aue_near: int = 0
    warranty_expired: int = 0
    warranty_near: int = 0
    repairs: int = 0

    @property
    def in_fleet(self) -> int:
        return sum(self.by_status.get(status, 0) for status in IN_FLEET)

    @property
    def repairs_per_100(self) -> float | None:
        return None if not self.in_fleet else round(100 * self.repairs / self.in_fleet, 1)


def lifecycle_for(scope: Scope, *, fresh: bool = False) -> dict[str, Any]:
    """The figures and charts of `scope` with `computed_at`: from the cache unless
    `fresh` (or nothing was computed for the scope in the last CACHE_SECONDS)."""
    from hatrack.devices import lifecycle_charts

    found: dict[str, Any] | None = None if fresh else cache.get(scope.cache_key)
    if found is None:
        figures = compute(scope)
        found = {
            "figures": figures,
            "charts": lifecycle_charts.draw(figures),
            "computed_at": timezone.now(),
        }
        cache.set(scope.cache_key, found, CACHE_SECONDS)
    return found


def compute(scope: Scope) -> dict[str, Any]:
    """Every figure of the page for `scope` (six queries: models, devices by status,
    site names, purchases, repairs, losses)."""
    devices = Device.objects.all()
    if scope.site is not None:
        devices = devices.filter(site_id=scope.site)
    models = _models()
    by_site = _statuses(devices, models)
    ages, forecast = _purchases(devices, models, scope.today)
    _repairs(scope, models)
    rows = sorted(
        (m for m in models.values() if any(m.by_status.values())),
        key=lambda m: (-m.in_fleet, m.label),
    )
    return {
        "models": rows,
        "statuses": _status_rows(rows),
        "sites": by_site,
        "ages": ages,
        "expiring": [m for m in rows if m.aue_past or m.aue_near],
        "warranty": [m for m in rows if m.warranty_expired or m.warranty_near],
        "repair_rates": sorted(
            (m for m in rows if m.in_fleet and m.repairs),
            key=lambda m: (-(m.repairs_per_100 or 0), m.label),
        ),
        "losses": _losses(devices, scope.today),
        "forecast": forecast,
        "totals": _totals(rows, forecast),
    }


def _models() -> dict[int, ModelFigures]:
    return {
        pk: ModelFigures(pk, _label(manufacturer, name), Category(category).label, aue, life, price)
        for pk, manufacturer, name, category, aue, life, price in DeviceModel.objects.values_list(
            "id",
            "manufacturer",
            "name",
            "category",
            "auto_update_expiration",
            "expected_life_years",
            "replacement_cost",
        )
    }


def _label(manufacturer: str, name: str) -> str:
    return name if name.lower().startswith(manufacturer.lower()) else f"{manufacturer} {name}"


def _statuses(devices: Any, models: dict[int, ModelFigures]) -> list[dict[str, Any]]:
    """Query 1: devices by model, site and status; fills the models, returns the sites."""
    grouped = (
        devices.annotate(
            kind=_unindexed("model_id"), place=_unindexed("site_id"), state=Lower("status")
        )
        .values_list("kind", "place", "state")
        .annotate(n=Count("id"))
    )
    sites: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for model_id, site_id, status, n in grouped.order_by():
        model = models[model_id]
        model.by_status[status] = model.by_status.get(status, 0) + n
        sites[site_id][status] += n
    names = dict(Site.objects.filter(pk__in=[s for s in sites if s]).values_list("id", "name"))
    rows = []
    for site_id, counts in sites.items():
        in_fleet = sum(counts[s] for s in IN_FLEET)
        if not in_fleet:
            continue
        rows.append(
            {
                "label": names.get(site_id, "No site") if site_id else "No site",
                "deployed": counts[Status.DEPLOYED] + counts[Status.LOANER],
                "in_stock": counts[Status.IN_STOCK],
                "in_repair": counts[Status.IN_REPAIR],
                "in_fleet": in_fleet,
            }
        )
    return sorted(rows, key=lambda r: (-r["in_fleet"], r["label"]))


def _unindexed(column: str) -> Any:
    """The column as an expression SQLite cannot read from an index. Grouping by model
    (or filtering by status), SQLite walks an index and fetches every row from the
    table in that order: at 100,000 devices, twice as slow as reading the table
    straight through, which these queries make it do. PostgreSQL reads most of the
    table sequentially either way."""
    return ExpressionWrapper(F(column) + 0, output_field=IntegerField())


def _status_rows(models: list[ModelFigures]) -> list[dict[str, Any]]:
    totals: dict[str, int] = defaultdict(int)
    for model in models:
        for status, n in model.by_status.items():
            totals[status] += n
    return [{"label": Status(s).label, "key": s, "devices": totals[s]} for s in Status.values]


def _purchases(
    devices: Any, models: dict[int, ModelFigures], today: dt.date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Query 2: devices in the fleet by model, age, fiscal year of purchase, own
    auto-update date and warranty state, with their count and cost; gives ages,
    expirations and the replacement forecast.

    Every bucket is a comparison with a constant date (no date function per row, which
    SQLite would run in Python), and the price is read per model afterwards (no join).
    """
    this_year = fiscal_year(today)
    grouped = (
        devices.annotate(state=Lower("status"))
        .filter(state__in=IN_FLEET)
        .annotate(
            kind=_unindexed("model_id"),
            age=_age_case(today),
            bought=_purchase_year_case(this_year),
            warranty=_warranty_case(today),
        )
        .values_list("kind", "age", "bought", "auto_update_expiration", "warranty")
        .annotate(n=Count("id"), cost=Sum("cost"))
        .order_by()
    )
    ages = [0] * (AGE_BUCKETS + 1)  # the last: purchase date unknown
    forecast: dict[int | str, list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for model_id, age, bought, own_aue, warranty, n, cost in grouped:
        model = models[model_id]
        aue = own_aue or model.aue
        if aue is not None and aue < today:
            model.aue_past += n
        elif aue is not None and aue < today + NEAR:
            model.aue_near += n
        if warranty == "expired":
            model.warranty_expired += n
        elif warranty == "near":
            model.warranty_near += n
        ages[age] += n
        year = _end_of_life(bought, aue, model.life)
        key: int | str = "unknown" if year is None else max(year, this_year - 1)
        forecast[key][0] += n
        price = model.price * n if model.price is not None else cost
        forecast[key][1] += price or Decimal(0)
    return _age_rows(ages), _forecast_rows(forecast, this_year)


def _age_case(today: dt.date) -> Case:
    """Whole years since purchase, 0 to AGE_BUCKETS - 1 (and more), AGE_BUCKETS: unknown."""
    steps = [When(purchased_on__isnull=True, then=Value(AGE_BUCKETS))]
    steps += [
        When(purchased_on__gt=add_years(today, -years), then=Value(years - 1))
        for years in range(1, AGE_BUCKETS)
    ]
    return Case(*steps, default=Value(AGE_BUCKETS - 1), output_field=IntegerField())


def _purchase_year_case(this_year: int) -> Case:
    """The fiscal year of purchase, back to OLDEST_PURCHASE years (older ones count as
    that year: long past their end of life either way); None when unknown."""
    steps = [When(purchased_on__isnull=True, then=Value(None))]
    steps += [
        When(purchased_on__gte=dt.date(year, 7, 1), then=Value(year))
        for year in range(this_year, this_year - OLDEST_PURCHASE, -1)
    ]
    return Case(*steps, default=Value(this_year - OLDEST_PURCHASE), output_field=IntegerField())


def _warranty_case(today: dt.date) -> Case:
    return Case(
        When(warranty_ends_on__isnull=True, then=Value("unknown")),
        When(warranty_ends_on__lt=today, then=Value("expired")),
        When(warranty_ends_on__lt=today + NEAR, then=Value("near")),
        default=Value("covered"),
        output_field=CharField(),
    )


def _end_of_life(bought: int | None, aue: dt.date | None, life: int) -> int | None:
    """The fiscal year a device reaches its end: its expiration's, or the year it was
    bought in plus its expected life (the same date `life` years on falls in that year),
    whichever comes first."""
    ends = [y for y in (fiscal_year(aue) if aue else None, bought + life if bought else None)
            if y is not None]  # fmt: skip
    return min(ends) if ends else None


def _age_rows(ages: list[int]) -> list[dict[str, Any]]:
    labels = ["Under 1 year", *(f"{n} year{'s' if n > 1 else ''}" for n in range(1, 6))]
    labels += ["6 years or more", "Purchase date unknown"]
    rows = [{"label": label, "devices": n} for label, n in zip(labels, ages, strict=True)]
    return rows if ages[-1] else rows[:-1]


def _forecast_rows(forecast: dict[int | str, list[Any]], this_year: int) -> list[dict[str, Any]]:
    later = [0, Decimal(0)]
    rows = [
        {
            "label": f"Overdue (before {fiscal_label(this_year)})",
            "devices": forecast[this_year - 1][0],
            "cost": forecast[this_year - 1][1],
        }
    ]
    for year in range(this_year, this_year + FORECAST_YEARS):
        devices, cost = forecast.get(year, (0, Decimal(0)))
        rows.append({"label": fiscal_label(year), "devices": devices, "cost": cost})
    for key, (devices, cost) in forecast.items():
        if isinstance(key, int) and key >= this_year + FORECAST_YEARS:
            later[0] += devices
            later[1] += cost
    rows.append({"label": "Later", "devices": later[0], "cost": later[1]})
    if "unknown" in forecast:
        devices, cost = forecast["unknown"]
        rows.append({"label": "No purchase or expiration date", "devices": devices, "cost": cost})
    return rows


def _repairs(scope: Scope, models: dict[int, ModelFigures]) -> None:
    """Query 3: repairs opened in the last 12 months, by model."""
    since = timezone.now() - REPAIR_WINDOW
    repairs = Repair.objects.filter(opened_at__gte=since)
    if scope.site is not None:
        repairs = repairs.filter(device__site_id=scope.site)
    for model_id, n in repairs.values_list("device__model_id").annotate(n=Count("id")).order_by():
        models[model_id].repairs = n


def _losses(devices: Any, today: dt.date) -> list[dict[str, Any]]:
    """Query 4: lost and stolen devices by the fiscal year they were marked so (the
    last LOSS_YEARS years, and the ones before in one row)."""
    zone = timezone.get_current_timezone()
    this_year = fiscal_year(today)
    floor = this_year - LOSS_YEARS
    steps = [
        When(updated_at__gte=dt.datetime(year, 7, 1, tzinfo=zone), then=Value(year))
        for year in range(this_year, floor, -1)
    ]
    grouped = (
        devices.filter(status__in=[Status.LOST, Status.STOLEN])
        .annotate(year=Case(*steps, default=Value(floor), output_field=IntegerField()))
        .values_list("year")
        .annotate(
            lost=Count("id", filter=Q(status=Status.LOST)),
            stolen=Count("id", filter=Q(status=Status.STOLEN)),
        )
        .order_by("year")
    )
    return [
        {
            "label": f"Before {fiscal_label(floor + 1)}" if y == floor else fiscal_label(y),
            "lost": lost,
            "stolen": stolen,
        }
        for y, lost, stolen in grouped
    ]


def _totals(models: list[ModelFigures], forecast: list[dict[str, Any]]) -> dict[str, Any]:
    soon = forecast[:3]  # overdue, this year and next
    return {
        "in_fleet": sum(m.in_fleet for m in models),
        "deployed": sum(m.by_status.get(Status.DEPLOYED, 0) for m in models),
        "aue_past": sum(m.aue_past for m in models),
        "aue_near": sum(m.aue_near for m in models),
        "warranty_expired": sum(m.warranty_expired for m in models),
        "replace_soon_devices": sum(r["devices"] for r in soon),
        "replace_soon_cost": sum((r["cost"] for r in soon), Decimal(0)),
    }
