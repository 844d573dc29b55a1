"""Three school years of the demo district's tickets, their timelines and ratings.

Each day gets as many tickets per queue as its place in the school year suggests
(`calendar.Season`); each ticket then lives its life on the district's business-time
calendar: its SLA due times from its policy, a first response and a resolution drawn
around the targets (about one in ten late), and its status as it stands today. Only
what has already happened is written: a ticket whose answer would come tomorrow is
still new today.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from hatrack.directory.models import Person
from hatrack.directory.working_time import WorkCalendar
from hatrack.servicedesk.demo.calendar import Season
from hatrack.servicedesk.demo.catalog import (
    FIRST_REPLIES,
    NOTES,
    QUEUES,
    REQUESTER_REPLIES,
    Kind,
    QueuePlan,
)
from hatrack.servicedesk.demo.desk import Desk
from hatrack.servicedesk.models import Ticket

Status, Channel = Ticket.Status, Ticket.Channel
CHANNELS = ((Channel.PORTAL, 50), (Channel.EMAIL, 30), (Channel.PHONE, 8),
            (Channel.WALK_IN, 8), (Channel.API, 4))  # fmt: skip
REQUESTER_ROLES = ((Person.Role.TEACHER, 70), (Person.Role.STAFF, 20),
                   (Person.Role.ADMINISTRATOR, 7), (Person.Role.AIDE, 3))  # fmt: skip
# Minutes after midnight, local: most requests come before first bell and at lunch.
HOURS = ((7, 18), (8, 16), (9, 12), (10, 10), (11, 9), (12, 11), (13, 8), (14, 7),
         (15, 6), (16, 3), (17, 2), (19, 2), (21, 1))  # fmt: skip
AUTO_CLOSE = dt.timedelta(days=5)
DEMO_TEACHER_SHARE = 0.0006
RECENT = dt.timedelta(days=14)


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, float], ...]) -> Any:
    values, bounds = _CUMULATIVE.get(pairs) or _cumulate(pairs)
    return values[bisect_right(bounds, rng.random() * bounds[-1])]


_CUMULATIVE: dict[tuple[tuple[Any, float], ...], tuple[list[Any], list[float]]] = {}


def _cumulate(pairs: tuple[tuple[Any, float], ...]) -> tuple[list[Any], list[float]]:
    bounds, total = [], 0.0
    for _, weight in pairs:
        total += weight
        bounds.append(total)
    _CUMULATIVE[pairs] = ([value for value, _ in pairs], bounds)
    return _CUMULATIVE[pairs]


@dataclass
class Requesters:
    """Active staff to draw requesters from, by role, with their sites."""

    by_role: dict[str, list[tuple[int, int | None, str, str]]]
    demo_teacher: tuple[int, int | None, str, str] | None

    @classmethod
    def load(cls, demo_teacher: Person | None) -> Requesters:
        rows = Person.objects.filter(
            active=True, role__in=[r for r, _ in REQUESTER_ROLES]
        ).values_list("id", "primary_site_id", "given_name", "role")
        by_role: dict[str, list[tuple[int, int | None, str, str]]] = {}
        for pk, site, given, role in rows.order_by("id"):
            by_role.setdefault(role, []).append((pk, site, given, role))
        mine = None
        if demo_teacher is not None:
            mine = (demo_teacher.pk, demo_teacher.primary_site_id, demo_teacher.given_name, "")
        return cls(by_role, mine)

    def pick(self, rng: random.Random, recent: bool) -> tuple[int, int | None, str, str]:
        share = 0.01 if recent else DEMO_TEACHER_SHARE
        if self.demo_teacher is not None and rng.random() < share:
            return self.demo_teacher
        return rng.choice(self.by_role[_weighted(rng, REQUESTER_ROLES)])


class FastCalendar:
    """The district's calendar answering `add_minutes` by binary search over its open
    spans, each worked out once by the business-time engine (`WorkCalendar.open_span`).
    Same answers as `WorkCalendar.add_minutes` within `first`..`last` (a test holds it
    to that); the demo asks about a hundred thousand due times over the same thousand
    days, which the engine's day-by-day walk makes slow."""

    def __init__(self, calendar: WorkCalendar, first: dt.date, last: dt.date) -> None:
        self.calendar, self.zone = calendar, calendar.zone
        self.starts: list[dt.datetime] = []
        self.ends: list[dt.datetime] = []
        self.done_by_end: list[float] = []  # business seconds up to each span's end
        total, day = 0.0, first
        while day <= last:
            span = calendar.open_span(day)
            if span is not None:
                total += (span[1] - span[0]).total_seconds()
                self.starts.append(span[0])
                self.ends.append(span[1])
                self.done_by_end.append(total)
            day += dt.timedelta(days=1)

    def add_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        i = bisect_right(self.ends, start)
        if minutes <= 0 or i >= len(self.ends):
            return self.calendar.add_minutes(start, minutes)
        begin = max(self.starts[i], start)
        before = self.done_by_end[i] - (self.ends[i] - begin).total_seconds()
        target = before + minutes * 60
        j = bisect_left(self.done_by_end, target)
        if j >= len(self.ends):
            return self.calendar.add_minutes(start, minutes)
        return self.ends[j] - dt.timedelta(seconds=self.done_by_end[j] - target)


Row = dict[str, Any]


@dataclass
class Batch:
    """Everything made, as plain rows for a few bulk inserts: tickets (ids given here,
    so their timelines can point at them), messages, tags per ticket."""

    tickets: list[Row] = field(default_factory=list)
    messages: list[Row] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)


class Generator:
    def __init__(
        self,
        rng: random.Random,
        desk: Desk,
        calendar: WorkCalendar,
        season: Season,
        requesters: Requesters,
        users: Mapping[str, Any],
        now: dt.datetime,
        first_id: int,
    ) -> None:
        self.rng, self.desk, self.season = rng, desk, season
        reach = season.last + dt.timedelta(days=120)  # the longest waits run past today
        self.calendar = FastCalendar(calendar, season.first - dt.timedelta(days=1), reach)
        self.requesters, self.now = requesters, now
        self.technician = getattr(users.get("technician"), "pk", None)
        self.leader = getattr(users.get("leader"), "pk", None)
        self.names = {u.pk: u.get_full_name() or u.username for u in users.values()}
        self.zone: ZoneInfo = calendar.zone
        self.next_id = first_id
        self.queues_by_id = desk.queues_by_id
        self.batch = Batch()

    # --- How many, when -----------------------------------------------------------------

    def run(self, first: dt.date, last: dt.date) -> Batch:
        day = first
        while day <= last:
            weight = self.season.weight(day)
            for plan in QUEUES:
                for moment in self._arrivals(day, plan.per_school_day * weight):
                    self._ticket(plan, moment)
            day += dt.timedelta(days=1)
        return self.batch

    def _arrivals(self, day: dt.date, mean: float) -> list[dt.datetime]:
        count = int(mean * self.rng.uniform(0.75, 1.25) + self.rng.random())
        moments = []
        for _ in range(count):
            hour = _weighted(self.rng, HOURS)
            local = dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), self.zone)
            seconds = dt.timedelta(seconds=self.rng.randrange(60))
            moments.append(local.astimezone(dt.UTC) + seconds)
        return [m for m in sorted(moments) if m < self.now]

    # --- One ticket -----------------------------------------------------------------------

    def _kind(self, plan: QueuePlan, moment: dt.datetime) -> Kind:
        weights = []
        for kind in plan.kinds:
            share = kind.share
            if "Boiler" in kind.path:  # heat fails in winter, never in summer
                month = moment.month
                share *= 4 if month in (11, 12, 1, 2) else (0 if month in (6, 7, 8) else 1)
            weights.append(share)
        return self.rng.choices(plan.kinds, weights=weights)[0]

    def _ticket(self, plan: QueuePlan, created: dt.datetime) -> None:
        rng = self.rng
        kind = self._kind(plan, created)
        ask = rng.choice(kind.asks)
        slots = {"room": rng.randrange(100, 330), "tag": f"CH{rng.randrange(10000, 99999)}",
                 "bus": rng.randrange(1, 48)}  # fmt: skip
        requester, site, _, _ = self.requesters.pick(rng, self.now - created < RECENT)
        ticket: Row = {
            "id": self.next_id,
            "queue_id": self.desk.queues[plan.code].pk,
            "category_id": self.desk.categories[plan.code, kind.path].pk,
            "subject": ask.subject.format(**slots)[:200],
            "description": ask.description.format(**slots),
            "requester_id": requester,
            "site_id": site,
            "priority": rng.choice(ask.priorities),
            "channel": _weighted(rng, CHANNELS),
            "created_at": created,
        }
        self.next_id += 1
        phoned = ticket["channel"] in (Channel.PHONE, Channel.WALK_IN)
        if phoned and plan.code == "tech":
            ticket["created_by_id"] = self.technician
        self._route(ticket, plan, kind)
        self._live(ticket, plan, kind, slots)
        self._warned(ticket)
        self.batch.tickets.append(ticket)
        tags = kind.tags + (("testing-window",) if self._before_testing(created) else ())
        self.batch.tags += [(ticket["id"], name) for name in tags]

    def _before_testing(self, created: dt.datetime) -> bool:
        return self.season.weight(created.date()) > 1.3 and created.month in (3, 4)

    def _route(self, ticket: Row, plan: QueuePlan, kind: Kind) -> None:
        policy = None
        if plan.code == "tech":
            ticket["team_id"] = self.desk.teams["field" if kind.field_work else "help"].pk
            ticket["assignee_id"] = self.technician if self.rng.random() < 0.78 else self.leader
            policy = self.desk.policies["tech", ticket["priority"]]
        elif plan.code == "facilities":
            ticket["team_id"] = self.desk.teams["maintenance"].pk
            policy = self.desk.policies["facilities", ""]
        if policy is not None:
            add, created = self.calendar.add_minutes, ticket["created_at"]
            ticket["sla_policy_id"] = policy.pk
            ticket["first_response_due"] = add(created, policy.first_response_minutes)
            ticket["resolution_due"] = add(created, policy.resolution_minutes)
        ticket["_policy"] = policy

    def _warned(self, ticket: Row) -> None:
        """Targets that passed while the history ran were warned about then, as the SLA
        sweep would have done; a fresh demo does not mail a backlog of stale warnings."""
        if ticket.get("resolved_at") is not None:
            return
        for target, done, mark in (
            ("first_response_due", "first_response_at", "first_response_warned_at"),
            ("resolution_due", "resolved_at", "resolution_warned_at"),
        ):
            due = ticket.get(target)
            if due is not None and ticket.get(done) is None and due <= self.now:
                ticket[mark] = due

    def _drawn(self, target: int, median_share: float, spread: float) -> int:
        """Business minutes to do something whose target is `target`, about one in ten late."""
        return max(2, int(target * math.exp(self.rng.gauss(math.log(median_share), spread))))

    def _live(self, ticket: Row, plan: QueuePlan, kind: Kind, slots: dict[str, Any]) -> None:
        """Set the ticket's times and status as of now, and write its timeline so far."""
        rng, policy, created = self.rng, ticket.pop("_policy"), ticket["created_at"]
        respond = self._drawn(policy.first_response_minutes if policy else 480, 0.4, 0.8)
        resolve = respond + self._drawn(policy.resolution_minutes if policy else 1620, 0.35, 0.9)
        if rng.random() < 0.04:
            resolve += 540 * rng.randrange(5, 40)  # waits on a part or a vendor
        responded = self.calendar.add_minutes(created, respond)
        resolved = self.calendar.add_minutes(created, resolve)
        writer = ticket.get("assignee_id")
        if responded > self.now:
            ticket["status"] = Status.NEW
            if rng.random() < 0.6:
                ticket["assignee_id"] = None
            ticket["updated_at"] = created
            return
        ticket["first_response_at"] = responded
        last = self._reply(ticket, writer, rng.choice(FIRST_REPLIES).format(**slots), responded)
        if rng.random() < 0.3:
            at = min(responded + dt.timedelta(minutes=rng.randrange(10, 600)), resolved, self.now)
            last = max(last, self._from_requester(ticket, rng.choice(REQUESTER_REPLIES), at))
        if writer is not None and rng.random() < 0.2:
            at = min(responded + dt.timedelta(minutes=rng.randrange(5, 300)), self.now)
            last = max(last, self._add(ticket, writer, "note", rng.choice(NOTES), at))
        if resolved > self.now:
            ticket["status"] = _weighted(rng, ((Status.OPEN, 60), (Status.WAITING_ON_REQUESTER, 22),
                                                (Status.WAITING_ON_THIRD_PARTY, 18)))  # fmt: skip
            if ticket["status"] == Status.WAITING_ON_REQUESTER:
                ticket["sla_paused_since"] = last
        else:
            last = self._finish(ticket, writer, kind, resolved)
        ticket["updated_at"] = last

    def _finish(self, ticket: Row, writer: int | None, kind: Kind, resolved: dt.datetime) -> Any:
        ticket["status"], ticket["resolved_at"] = Status.RESOLVED, resolved
        self._reply(ticket, writer, kind.resolution, resolved)
        closes = resolved + AUTO_CLOSE
        if closes > self.now:
            return resolved
        ticket["status"], ticket["closed_at"] = Status.CLOSED, closes
        return closes

    # --- Timeline entries -----------------------------------------------------------------

    def _add(self, ticket: Row, author: int | None, kind: str, body: str, at: dt.datetime,
             **extra: Any) -> dt.datetime:  # fmt: skip
        self.batch.messages.append(
            {"ticket_id": ticket["id"], "author_id": author, "kind": kind, "body": body,
             "created_at": at, **extra}
        )  # fmt: skip
        return at

    def _reply(self, ticket: Row, author: int | None, body: str, at: dt.datetime) -> dt.datetime:
        if author is not None:
            return self._add(ticket, author, "reply", body, at)
        # Other departments' staff answer by mail, without an account of their own.
        department = self.queues_by_id[ticket["queue_id"]].department
        head = department.head_id if department is not None else None
        return self._add(ticket, None, "reply", body, at, author_person_id=head, channel="email")

    def _from_requester(self, ticket: Row, body: str, at: dt.datetime) -> dt.datetime:
        channel = "email" if ticket["channel"] == Channel.EMAIL else "portal"
        return self._add(
            ticket,
            None,
            "reply",
            body,
            at,
            author_person_id=ticket["requester_id"],
            channel=channel,
        )
