"""Benchmark: the leader's service desk metrics over three school years of tickets.

    uv run python bench/servicedesk_metrics.py              # SQLite, temp file, 300,000 tickets
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatrack_metricsbench \\
        uv run python bench/servicedesk_metrics.py                 # PostgreSQL (database recreated)
    uv run python bench/servicedesk_metrics.py --tickets 50000 --runs 3   # a quicker run

It builds its own database (a temporary SQLite file unless DATABASE_URL is set; the
PostgreSQL database named there is dropped and created again), loads 5,000 people in 40
sites, one queue with 24 categories and 12 technicians, then bulk-loads the tickets over
the three years before today with seasonal peaks (August/September and the spring
testing window), 92% resolved, most answered within hours, SLA due times, an assignee on
most, and a rating on one resolved ticket in eight. It then times every figure of the
metrics page (`metrics.figures.compute`, the grouped queries) and the charts drawn from
them, uncached, for the last 12 weeks and for this school year, with and without a
site filter, and prints the median and worst of `--runs` runs and the queries each took.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_district import load_people, start_django

HOUR = datetime.timedelta(hours=1)
SLOTS = range(1000)
# Relative ticket volume per month (Jan..Dec): the start of the year and testing windows.
SEASON = [1.0, 0.9, 1.1, 1.3, 1.2, 0.5, 0.3, 1.6, 2.0, 1.1, 1.0, 0.7]


def load_tickets(count: int, seed: int) -> None:
    """The queue, its categories and technicians, and `count` tickets over three years."""
    from django.db import connection, transaction
    from django.utils import timezone

    from hatrack.accounts.models import User
    from hatrack.directory.models import Person, Site
    from hatrack.servicedesk.models import Category, Queue, SatisfactionRating, Ticket

    rng = random.Random(seed)
    queue = Queue.objects.create(name="Technology", code="tech")
    tops = [Category.objects.create(queue=queue, name=f"Area {n}") for n in range(6)]
    categories = tops + [
        Category.objects.create(queue=queue, name=f"Kind {n}", parent=tops[n % 6])
        for n in range(18)
    ]
    techs = [
        User.objects.create_user(f"tech{n}", password="x" * 12, role="technician")
        for n in range(12)
    ]
    sites = list(Site.objects.values_list("id", flat=True))
    people = list(Person.objects.values_list("id", flat=True)[:5000])
    # Tickets carry explicit creation times: switch the automatic ones off for the load.
    for name in ("created_at", "updated_at"):
        field = Ticket._meta.get_field(name)
        field.auto_now = field.auto_now_add = False  # type: ignore[attr-defined]
    now = timezone.now()
    span = datetime.timedelta(days=3 * 365)
    weights = list(
        itertools.accumulate(SEASON[(now - span * (i / 1000)).month - 1] for i in range(1000))
    )
    started = time.perf_counter()
    batch: list[Ticket] = []
    ratings: list[tuple[int, int]] = []
    with transaction.atomic():
        for n in range(count):
            slot = rng.choices(SLOTS, cum_weights=weights)[0]
            created = now - span * ((slot + rng.random()) / 1000)
            batch.append(ticket_row(rng, n, created, now, queue, categories, techs, sites, people))
            if len(batch) == 10000:
                save(batch, ratings, rng)
                batch = []
        save(batch, ratings, rng)
        SatisfactionRating.objects.bulk_create(
            SatisfactionRating(ticket_id=pk, score=score) for pk, score in ratings
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    elapsed = time.perf_counter() - started
    print(f"loaded {count:,} tickets in {elapsed:.1f} s, {len(ratings):,} ratings")


def ticket_row(rng, n, created, now, queue, categories, techs, sites, people):
    from hatrack.servicedesk.models import Ticket

    answered = created + HOUR * rng.expovariate(1 / 5)
    resolved = answered + HOUR * rng.expovariate(1 / 40)
    done = resolved < now and rng.random() < 0.92
    return Ticket(
        queue=queue,
        category=rng.choice(categories) if rng.random() < 0.9 else None,
        subject=f"Request {n}",
        requester_id=rng.choice(people),
        site_id=rng.choice(sites),
        priority=rng.choice(["low", "normal", "normal", "normal", "high", "urgent"]),
        status="resolved" if done else rng.choice(["new", "open", "waiting_on_requester"]),
        assignee=rng.choice(techs) if rng.random() < 0.85 else None,
        channel=rng.choice(["portal", "portal", "email", "email", "phone", "api"]),
        first_response_at=answered if answered < now else None,
        resolved_at=resolved if done else None,
        first_response_due=created + 8 * HOUR,
        resolution_due=created + 72 * HOUR,
        created_at=created,
        updated_at=resolved if done else created,
    )


def save(batch, ratings, rng) -> None:
    from hatrack.servicedesk.models import Ticket

    for ticket in Ticket.objects.bulk_create(batch):
        if ticket.resolved_at is not None and rng.random() < 0.125:
            ratings.append((ticket.pk, rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 5, 8])[0]))


def time_scope(label: str, scope, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hatrack.servicedesk.metrics import charts, figures

    compute_ms, chart_ms, queries = [], [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            found = figures.compute(scope)
            compute_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        charts.draw(found)
        chart_ms.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    print(
        f"{label:<32} figures median {statistics.median(compute_ms):8.1f} ms "
        f"(worst {max(compute_ms):8.1f})  charts {statistics.median(chart_ms):6.1f} ms  "
        f"{queries} queries  {found['summary']['total']:,} tickets in range"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    start_django(name="metricsbench")
    load_people(5000, seed=11)
    load_tickets(args.tickets, seed=11)

    from django.conf import settings

    settings.DEBUG = False
    from hatrack.directory.models import Site
    from hatrack.servicedesk.metrics.figures import Scope
    from hatrack.servicedesk.metrics.period import (
        LAST_12_WEEKS,
        SCHOOL_YEAR,
        district_zone,
        preset_period,
    )

    zone = district_zone()
    site = Site.objects.order_by("id").values_list("id", flat=True)[3]
    for preset, label in ((LAST_12_WEEKS, "last 12 weeks"), (SCHOOL_YEAR, "this school year")):
        period = preset_period(preset, zone)
        time_scope(label, Scope(period), args.runs)
        time_scope(f"{label}, one site", Scope(period, site=site), args.runs)


if __name__ == "__main__":
    main()
