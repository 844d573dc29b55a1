"""Benchmark: the API list of tickets, 100 per page, with filters (issue 3).

Measures the median server time of `GET /api/tickets` for the cases a script or the
queue view asks most: the first page, a queue's open tickets, one technician's work,
a site, a priority, a page deep in by its cursor, changes since a time, and the same
lists as a technician (scoped to their queues) and a Staff user (their own tickets).

    uv run python bench/api_tickets.py                        # SQLite, temp file, 200,000 tickets
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatrack_apitickets \\
        uv run python bench/api_tickets.py                    # PostgreSQL (database recreated)
    uv run python bench/api_tickets.py --tickets 20000 --requests 100   # a quicker run

It builds its own database like `api_people.py` (people from `synthetic_district`),
adds a Technology and a Facilities queue with categories, a help desk team, and
`--tickets` tickets over three years (requesters among the staff, about 3% still open,
each with an SLA due time), runs ANALYZE, then sends sequential requests through
Django's WSGI handler with a bearer token, as gunicorn would call it. For each case it
prints the median and 90th percentile per request, the queries per request and the rows
returned. `--tickets` defaults to 200,000; the issue's figure is for 2,000,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time

from api_people import measure, wsgi_getter
from synthetic_district import load_people, start_django

PAGE = 100
STATUSES = (("closed", 85), ("resolved", 7), ("open", 4), ("new", 2), ("waiting_on_requester", 2))
PRIORITIES = (("normal", 70), ("high", 15), ("low", 10), ("urgent", 5))
CHANNELS = (("portal", 50), ("email", 30), ("phone", 10), ("walk_in", 7), ("api", 3))


def pick(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def load(people: int, tickets: int) -> dict[str, str]:
    """The district, queues, tickets; API keys of a leader, a technician and a staff user."""
    from django.db import connection, transaction

    from hatrack.accounts.models import User
    from hatrack.accounts.tokens import create_api_token
    from hatrack.directory.models import Person
    from hatrack.servicedesk.demo import insert_rows
    from hatrack.servicedesk.models import Category, Queue, Team, Ticket

    load_people(people, seed=11)
    tech = Queue.objects.create(name="Technology", code="tech", email="help@bench.example")
    facilities = Queue.objects.create(name="Facilities", code="facilities")
    categories = {
        q.pk: [Category.objects.create(queue=q, name=f"{q.code} {n}").pk for n in range(12)]
        for q in (tech, facilities)
    }
    leader = User.objects.create(username="bench-leader", role="leader")
    technician = User.objects.create(username="bench-technician", role="technician")
    requesters = list(
        Person.objects.exclude(role="student").values_list("id", "primary_site_id")[:5000]
    )
    staff = User.objects.create(username="bench-staff", role="staff", person_id=requesters[0][0])
    team = Team.objects.create(queue=tech, name="Help desk")
    team.members.set([technician])
    started = time.perf_counter()
    rng, now = random.Random(3), dt.datetime.now(dt.UTC)
    rows = []
    for n in range(tickets):
        created = now - dt.timedelta(days=3 * 365) * (1 - n / tickets)
        queue = tech if rng.random() < 0.85 else facilities
        requester, site = rng.choice(requesters)
        status = pick(rng, STATUSES)
        rows.append(
            {
                "id": n + 1,
                "queue_id": queue.pk,
                "category_id": rng.choice(categories[queue.pk]),
                "subject": f"Request {n}: projector in room {rng.randrange(100, 330)} is dark",
                "requester_id": requester,
                "site_id": site,
                "priority": pick(rng, PRIORITIES),
                "status": status,
                "channel": pick(rng, CHANNELS),
                "assignee_id": (technician.pk if rng.random() < 0.7 else leader.pk)
                if queue == tech
                else None,
                "team_id": team.pk if queue == tech else None,
                "created_at": created,
                "updated_at": created + dt.timedelta(hours=rng.randrange(1, 72)),
                "resolution_due": created + dt.timedelta(days=3),
            }
        )
    with transaction.atomic():
        insert_rows(Ticket, rows)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"{tickets:,} tickets loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    keys = {}
    for user in (leader, technician, staff):
        keys[user.role] = create_api_token(user=user, name="benchmark", by=user)[1]
    return keys


def cases(keys: dict[str, str]) -> list[tuple[str, str, str]]:
    from hatrack.directory.models import Site
    from hatrack.servicedesk.models import Queue

    site = Site.objects.order_by("id").values_list("id", flat=True)[5]
    tech = Queue.objects.get(code="tech").pk
    get = wsgi_getter(keys["leader"])
    deep = f"/api/tickets?limit={PAGE}"
    for _ in range(20):  # twenty pages in, by following `next`
        deep = json.loads(get(deep)[1])["next"].removeprefix("http://testserver")
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    base = f"/api/tickets?limit={PAGE}"
    return [
        ("leader", "first page", base),
        ("leader", "page 21, from its cursor", deep),
        ("leader", "queue=tech status=open", f"{base}&queue={tech}&status=open"),
        ("leader", "site", f"{base}&site={site}"),
        ("leader", "priority=urgent", f"{base}&priority=urgent"),
        ("leader", "updated_since 30 days", f"{base}&updated_since={since}"),
        ("technician", "technician: first page", base),
        ("technician", "technician: assignee=me open", f"{base}&assignee=me&status=open"),
        ("staff", "staff: own tickets", base),
    ]


def run(keys: dict[str, str], requests: int) -> None:
    print(f"\n{'case':34} {'median':>8} {'p90':>8} {'req/s':>6} {'queries':>7} {'rows':>4}")
    getters = {role: wsgi_getter(key) for role, key in keys.items()}
    for role, label, url in cases(keys):
        r = measure(getters[role], url, requests)
        print(
            f"{label:34} {r['median']:6.2f}ms {r['p90']:6.2f}ms {r['rps']:6.0f} "
            f"{r['queries']:7d} {r['rows']:4d}"
        )
    print("\n(median and p90: server time per request through the WSGI handler, one at a time;")
    print(" queries: per request, including the token lookup)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per case")
    args = parser.parse_args()
    start_django(name="apitickets")
    keys = load(args.people, args.tickets)
    run(keys, args.requests)


if __name__ == "__main__":
    main()
