"""Benchmark: the leader's device lifecycle page at 600,000 devices (issue 4, item 7).

    uv run python bench/device_lifecycle.py                 # SQLite, temp file, 600,000 devices
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatrack_lifecyclebench \\
        uv run python bench/device_lifecycle.py             # PostgreSQL (database recreated)
    uv run python bench/device_lifecycle.py --devices 60000 --runs 3   # a quicker run

It builds the synthetic fleet of `synthetic_fleet.build_fleet` (600,000 devices of 30
models at 40 sites, bought over seven years), adds one repair for every ten devices over
the last two years and spreads the lost and stolen devices over five school years, then
ANALYZEs. It times, for the whole district and for one site:

- figures: `lifecycle.compute`, the grouped queries and the folding of their rows;
- charts: `lifecycle_charts.draw`, the pygal SVGs;
- page, fresh: the page through Django's test Client as a signed-in leader with
  `?refresh=1` (figures, charts, template; what the first visit after the cache
  expires costs);
- page, cached: the same page within the cache's ten minutes (what every other visit
  costs).

and prints the median and worst of `--runs` runs and the queries each took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time

from synthetic_district import start_django
from synthetic_fleet import _formats, build_fleet, insert

REPAIR_FIELDS = ("device_id", "status", "problem", "damage_type", "warranty_claim",
                 "claim_number", "labor_cost", "parts_cost", "resolution", "opened_at",
                 "closed_at", "updated_at")  # fmt: skip
DAMAGE = ("screen", "screen", "screen", "keyboard", "charging", "hinge", "liquid", "none")


def add_history(seed: int) -> None:
    """A repair for one device in ten over two years; lost and stolen over five years."""
    from django.db import connection, transaction
    from django.utils import timezone

    from hatrack.devices.models import Device

    rng = random.Random(seed)
    now = timezone.now()
    when, _ = _formats()
    ids = list(Device.objects.values_list("id", flat=True))
    started = time.perf_counter()
    with transaction.atomic():
        rows = []
        for device in rng.sample(ids, len(ids) // 10):
            opened = now - dt.timedelta(days=rng.uniform(0, 730))
            closed = opened + dt.timedelta(days=rng.uniform(1, 20))
            done = closed < now
            rows.append((device, "repaired" if done else "open", "Screen cracked",
                         rng.choice(DAMAGE), False, "", "17.00", "48.50",
                         "Replaced the panel." if done else "", when(opened),
                         when(closed) if done else None, when(min(closed, now))))  # fmt: skip
        insert("devices_repair", REPAIR_FIELDS, rows)
        gone = Device.objects.filter(status__in=["lost", "stolen"]).values_list("id", flat=True)
        with connection.cursor() as cursor:
            for pk in gone.iterator(chunk_size=5000):
                marked = now - dt.timedelta(days=rng.uniform(0, 5 * 365))
                cursor.execute(
                    "UPDATE devices_device SET updated_at = %s WHERE id = %s", [marked, pk]
                )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"{len(rows):,} repairs and the losses' dates in {time.perf_counter() - started:.0f} s")


def timed(call, *args, **kwargs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = call(*args, **kwargs)
        elapsed = (time.perf_counter() - started) * 1000
    return result, elapsed, len(queries)


def report(label: str, times: list[float], queries: int) -> None:
    print(f"{label:34} {statistics.median(times):9.1f} ms {max(times):9.1f} ms {queries:8d}")


def run(site: int | None, runs: int, client) -> None:
    from django.core.cache import cache
    from django.utils import timezone

    from hatrack.devices import lifecycle_charts
    from hatrack.devices.lifecycle import Scope, compute

    scope = Scope(site=site, today=timezone.localdate())
    where = "one site" if site else "district"
    figures_ms, charts_ms, fresh_ms, cached_ms = [], [], [], []
    counts = {}
    url = "/devices/lifecycle/" + (f"?site={site}" if site else "")
    joiner = "&" if site else "?"
    client.get(url)  # the session, templates and pygal settle
    for _ in range(runs):
        figures, ms, counts["figures"] = timed(compute, scope)
        figures_ms.append(ms)
        _, ms, counts["charts"] = timed(lifecycle_charts.draw, figures)
        charts_ms.append(ms)
        cache.clear()
        response, ms, counts["fresh"] = timed(client.get, f"{url}{joiner}refresh=1")
        assert response.status_code == 200
        fresh_ms.append(ms)
        response, ms, counts["cached"] = timed(client.get, url)
        cached_ms.append(ms)
    report(f"{where}: figures (uncached)", figures_ms, counts["figures"])
    report(f"{where}: charts", charts_ms, counts["charts"])
    report(f"{where}: page, fresh", fresh_ms, counts["fresh"])
    report(f"{where}: page, cached", cached_ms, counts["cached"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=600_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    start_django(name="lifecyclebench")
    started = time.perf_counter()
    build_fleet(args.devices, seed=1)
    print(f"fleet of {args.devices:,} devices built in {time.perf_counter() - started:.0f} s")
    add_history(seed=1)

    from django.conf import settings
    from django.test import Client

    from hatrack.accounts.models import User
    from hatrack.devices.models import Device

    settings.DEBUG = False
    leader = User.objects.create_user("bench-leader", password="x" * 12, role="leader")
    client = Client()
    client.force_login(leader)
    site = Device.objects.order_by("id").values_list("site_id", flat=True)[0]
    print(f"\n{'':34} {'median':>12} {'worst':>12} {'queries':>8}")
    run(None, args.runs, client)
    run(site, args.runs, client)
    print(f"\n(wall times on this machine; load average now {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    sys.exit(main())
