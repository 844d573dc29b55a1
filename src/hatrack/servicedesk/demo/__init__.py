"""The demo district's service desk: Cedar Hollow Unified's help queues and three school
years of their tickets, with replies, SLA history, ratings and a knowledge base.

Deterministic for a given day (the generator is seeded and the history runs up to the
start of the district's today; the years end with the current school year so the demo
always reaches today) and fast: the tickets and their timelines are written as plain
rows in a few batched inserts (`insert_rows`), keeping their historic times.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

from hatrack.directory.working_time import load_calendar
from hatrack.servicedesk.demo import desk as desk_setup
from hatrack.servicedesk.demo.calendar import Season, school_years
from hatrack.servicedesk.demo.catalog import SATISFACTION_COMMENTS
from hatrack.servicedesk.demo.tickets import Batch, Generator, Requesters
from hatrack.servicedesk.models import (
    Article,
    Deflection,
    SatisfactionRating,
    Tag,
    Ticket,
    TicketMessage,
)

UTC = dt.UTC
BATCH = 5000
RATED_SHARE = 0.22
SCORES = ((5, 60), (4, 25), (3, 8), (2, 4), (1, 3))
DEFLECTIONS_PER_WEEK = 6


def load(rng: random.Random, context: Any) -> None:
    """Queues, calendar, policies, tools and articles; then the tickets of three years."""
    from hatrack.directory.demo import DOMAIN

    now = _start_of_today(context.records["district"].time_zone)
    years = school_years(now.date())
    desk = desk_setup.build(context, years, DOMAIN)
    desk_setup.tools(desk, context)
    season = Season(years, now.date())
    first = season.first
    calendar = load_calendar(site=None, first=first, last=now.date() + dt.timedelta(days=400))
    users = context.records.get("users", {})
    requesters = Requesters.load(context.records["demo_people"].get("teacher"))
    first_id = (Ticket.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    generator = Generator(rng, desk, calendar, season, requesters, users, now, first_id)
    batch = generator.run(first, now.date())
    _write(batch)
    ratings = _ratings(rng, batch.tickets)
    opened = dt.datetime.combine(first, dt.time(9), dt.UTC)
    with historic_times(Article, Deflection):
        articles = desk_setup.articles(desk, users.get("leader"), opened)
        deflections = _deflections(rng, articles, opened, now)
    context.counts.update(
        tickets=len(batch.tickets),
        **{"ticket messages": len(batch.messages)},
        **{"satisfaction ratings": ratings, "articles": len(articles)},
        deflections=deflections,
    )


def _start_of_today(zone_name: str) -> dt.datetime:
    """The history runs up to midnight at the start of the district's today: the same
    demo all day long (the loads of one day match), and nothing in the future."""
    zone = ZoneInfo(zone_name)
    today = timezone.now().astimezone(zone).date()
    return dt.datetime.combine(today, dt.time.min, zone).astimezone(UTC)


@contextmanager
def historic_times(*kinds: type[models.Model]) -> Iterator[None]:
    """Let rows keep the past times they were given: `auto_now`/`auto_now_add` would
    stamp every article and deflection with the moment of loading. Restored after."""
    switched = [
        (f, f.auto_now, f.auto_now_add)
        for kind in kinds
        for f in kind._meta.concrete_fields
        if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)
    ]
    for f, _, _ in switched:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in switched:
            f.auto_now, f.auto_now_add = now, now_add


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert plain rows (by attribute name; missing fields take their defaults) the way
    a loader does: COPY on PostgreSQL, batched executemany on SQLite. Building a model
    instance per row costs more than the insert itself at this volume (150,000 rows)."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and "id" not in rows[0])]
    defaults = {f.attname: f.get_default() for f in fields}
    names = [f.attname for f in fields]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table or "")
    columns = ", ".join(quote(str(f.column)) for f in fields)
    full_rows = (defaults | row for row in rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Table and column names come from the models, never from input.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for full in full_rows:
                    copy.write_row([full[n] for n in names])
            return
        times = {f.attname for f in fields if isinstance(f, models.DateTimeField)}
        adapt = _datetime_adapter()
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        batch: list[list[Any]] = []
        for full in full_rows:
            batch.append([adapt(full[n]) if n in times else full[n] for n in names])
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        cursor.executemany(sql, batch)


def _datetime_adapter() -> Any:
    """How a datetime goes into the database. On SQLite, Django stores UTC as naive text;
    the demo's times are all UTC already, so they are written as such directly (a third
    of the load time went to the general adapter)."""
    if connection.vendor != "sqlite" or connection.timezone_name != "UTC":
        return connection.ops.adapt_datetimefield_value
    return lambda value: None if value is None else str(value.astimezone(UTC).replace(tzinfo=None))


def _write(batch: Batch) -> None:
    insert_rows(Ticket, batch.tickets)
    # The ids were given, not drawn: move PostgreSQL's counter past them (as loaddata does).
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Ticket]):
            cursor.execute(statement)
    insert_rows(TicketMessage, batch.messages)
    names = sorted({name for _, name in batch.tags})
    Tag.objects.bulk_create([Tag(name=n) for n in names])
    ids = dict(Tag.objects.filter(name__in=names).values_list("name", "id"))
    rows = [{"ticket_id": ticket, "tag_id": ids[name]} for ticket, name in batch.tags]
    insert_rows(Ticket.tags.through, rows)


def _ratings(rng: random.Random, tickets: list[dict[str, Any]]) -> int:
    """A share of requesters rate their resolved ticket, most of them well."""
    ratings = []
    for ticket in tickets:
        resolved = ticket.get("resolved_at")
        if resolved is None or rng.random() >= RATED_SHARE:
            continue
        score = rng.choices([s for s, _ in SCORES], weights=[w for _, w in SCORES])[0]
        ratings.append(
            {
                "ticket_id": ticket["id"],
                "score": score,
                "comment": rng.choice(SATISFACTION_COMMENTS) if score >= 3 else "Still not fixed.",
                "created_at": resolved + dt.timedelta(hours=rng.randrange(1, 30)),
            }
        )
    insert_rows(SatisfactionRating, ratings)
    return len(ratings)


def _deflections(
    rng: random.Random, articles: list[Article], start: dt.datetime, now: dt.datetime
) -> int:
    """Requesters answered by an article before filing, a few a week."""
    staff_articles = [a for a in articles if a.audience == Article.Audience.STAFF]
    made, moment = [], start
    while moment < now:
        for _ in range(rng.randrange(DEFLECTIONS_PER_WEEK * 2)):
            article = rng.choice(staff_articles)
            at = moment + dt.timedelta(minutes=rng.randrange(7 * 24 * 60))
            if at < now:
                made.append(
                    Deflection(article=article, query=article.title.lower()[:40], created_at=at)
                )
        moment += dt.timedelta(days=7)
    Deflection.objects.bulk_create(made, batch_size=BATCH)
    return len(made)
