"""The demo district's help desks: queues, categories, teams, SLA policies, the school
calendar, automation rules, canned responses, saved views and the knowledge base."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from hatrack.directory.models import Closure, WorkingHours
from hatrack.servicedesk.demo.articles import ARTICLES, CANNED
from hatrack.servicedesk.demo.calendar import CLOSES, OPENS, SchoolYear
from hatrack.servicedesk.demo.catalog import QUEUES, QueuePlan
from hatrack.servicedesk.models import (
    Article,
    AutomationRule,
    CannedResponse,
    Category,
    Queue,
    SavedView,
    SlaPolicy,
    Team,
)
from hatrack.servicedesk.services.knowledge import render_markdown, search_text_of

# (priority, first response, resolution) in business minutes; a school day is 540.
TECHNOLOGY_SLA = (
    ("urgent", 30, 240),
    ("high", 60, 540),
    ("normal", 240, 3 * 540),
    ("low", 540, 5 * 540),
)
FACILITIES_SLA = (240, 2 * 540)


@dataclass
class Desk:
    """What the ticket generator needs from the setup."""

    queues: dict[str, Queue] = field(default_factory=dict)
    categories: dict[tuple[str, tuple[str, ...]], Category] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    policies: dict[tuple[str, str], SlaPolicy] = field(default_factory=dict)

    @property
    def queues_by_id(self) -> dict[int, Queue]:
        return {q.pk: q for q in self.queues.values()}


def build(context: Any, years: list[SchoolYear], domain: str) -> Desk:
    desk = Desk()
    _queues(desk, context.records["departments"], domain)
    _categories(desk)
    _teams(desk, context.records.get("users", {}))
    _policies(desk)
    _calendar(years)
    context.counts.update(
        queues=len(desk.queues),
        categories=len(desk.categories),
        teams=len(desk.teams),
        **{"SLA policies": len(desk.policies)},
    )
    return desk


def _queues(desk: Desk, departments: dict[str, Any], domain: str) -> None:
    queues = [
        Queue(
            name=plan.name,
            code=plan.code,
            department=departments.get(plan.department),
            email=f"{plan.mailbox}@{domain}",
        )
        for plan in QUEUES
    ]
    Queue.objects.bulk_create(queues)
    desk.queues = {q.code: q for q in queues}


def _paths(plan: QueuePlan) -> list[tuple[str, ...]]:
    """Every category path of the queue, parents before children."""
    seen: dict[tuple[str, ...], None] = {}
    for kind in plan.kinds:
        for depth in range(1, len(kind.path) + 1):
            seen.setdefault(kind.path[:depth])
    return sorted(seen, key=len)


def _categories(desk: Desk) -> None:
    """One insert per depth, so each level knows its parents' ids."""
    paths = [(plan.code, path) for plan in QUEUES for path in _paths(plan)]
    for depth in (1, 2, 3):
        level = [(code, path) for code, path in paths if len(path) == depth]
        made = [
            Category(
                queue=desk.queues[code],
                parent=desk.categories.get((code, path[:-1])),
                name=path[-1],
            )
            for code, path in level
        ]
        Category.objects.bulk_create(made)
        desk.categories.update(zip(level, made, strict=True))


def _teams(desk: Desk, users: dict[str, Any]) -> None:
    tech = desk.queues["tech"]
    technician, leader = users.get("technician"), users.get("leader")
    plans = [
        ("help", Team(queue=tech, name="Help desk", assignment=Team.Assignment.ROUND_ROBIN)),
        ("field", Team(queue=tech, name="Field technicians")),
        ("maintenance", Team(queue=desk.queues["facilities"], name="Maintenance")),
    ]
    Team.objects.bulk_create([team for _, team in plans])
    desk.teams = dict(plans)
    members = Team.members.through
    rows = []
    for key, people in (("help", [technician, leader]), ("field", [technician])):
        rows += [members(team_id=desk.teams[key].pk, user_id=u.pk) for u in people if u]
    members.objects.bulk_create(rows)


def _policies(desk: Desk) -> None:
    tech, facilities = desk.queues["tech"], desk.queues["facilities"]
    policies = {
        ("tech", priority): SlaPolicy(
            name=f"Technology: {priority}",
            queue=tech,
            priority=priority,
            first_response_minutes=first,
            resolution_minutes=resolution,
        )
        for priority, first, resolution in TECHNOLOGY_SLA
    }
    first, resolution = FACILITIES_SLA
    policies["facilities", ""] = SlaPolicy(
        name="Facilities", queue=facilities, first_response_minutes=first,
        resolution_minutes=resolution,
    )  # fmt: skip
    SlaPolicy.objects.bulk_create(policies.values())
    desk.policies = policies


def _calendar(years: list[SchoolYear]) -> None:
    WorkingHours.objects.bulk_create(
        WorkingHours(weekday=day, opens=OPENS, closes=CLOSES) for day in range(5)
    )
    Closure.objects.bulk_create(
        Closure(name=name, kind=kind, start_date=first, end_date=last)
        for year in years
        for name, kind, first, last in year.closures()
    )


# --- The technician's tools and the knowledge base -------------------------------------------


def tools(desk: Desk, context: Any) -> None:
    tech, facilities = desk.queues["tech"], desk.queues["facilities"]
    CannedResponse.objects.bulk_create(
        CannedResponse(title=title, body=body, queue=tech) for title, body in CANNED
    )
    SavedView.objects.bulk_create(
        SavedView(name=name, filters=filters, position=n)
        for n, (name, filters) in enumerate(SAVED_VIEWS)
    )
    accounts = desk.categories["tech", ("Accounts & passwords",)]
    projector = desk.categories["tech", ("Classroom tech", "Projector")]
    AutomationRule.objects.bulk_create(
        [
            AutomationRule(
                queue=facilities, name="No heat is urgent", position=0,
                conditions={"keywords": ["boiler", "no heat", "furnace", "heat is off"]},
                actions={"priority": "urgent", "tags": ["heat"]}, times_matched=41,
            ),
            AutomationRule(
                queue=tech, name="Passwords to Accounts", position=0,
                conditions={"keywords": ["password", "locked out", "can't sign in"]},
                actions={"category": accounts.pk, "team": desk.teams["help"].pk},
                times_matched=2310,
            ),
            AutomationRule(
                queue=tech, name="Projectors to the field technicians", position=1,
                conditions={"keywords": ["projector", "interactive display"]},
                actions={"category": projector.pk, "team": desk.teams["field"].pk},
                times_matched=820,
            ),
        ]
    )  # fmt: skip
    context.counts.update(
        **{"canned responses": len(CANNED), "saved views": len(SAVED_VIEWS)},
        **{"automation rules": 3},
    )


# Shared views beside the built-in ones ("My open", "Unassigned at my site", "Breaching
# today", "All open"), never repeating them.
SAVED_VIEWS = (
    ("Urgent and open", {"priority": "urgent", "status": "open"}),
    ("Waiting on a vendor", {"status": "waiting_on_third_party"}),
    ("Waiting on the requester", {"status": "waiting_on_requester"}),
    ("Phone calls still open", {"channel": "phone", "status": "open"}),
)


def articles(desk: Desk, author: Any, published_at: dt.datetime) -> list[Article]:
    """The knowledge base, rendered by the knowledge service's Markdown pipeline."""
    made = []
    for title, summary, audience, code, path, body in ARTICLES:
        article = Article(
            title=title,
            slug=_slug(title),
            summary=summary,
            body=body,
            audience=audience,
            queue=desk.queues[code],
            category=desk.categories[code, path],
            published=True,
            author=author,
            created_at=published_at,
            updated_at=published_at,
        )
        article.body_html = render_markdown(body)
        article.search_text = search_text_of(article)
        made.append(article)
    Article.objects.bulk_create(made)
    return made


def _slug(title: str) -> str:
    from django.utils.text import slugify

    return slugify(title)[:200]
