"""make_<thing>(**overrides): small valid service desk records for tests."""

import itertools

from hatrack.servicedesk.models import Category, Queue, Team, Ticket

_seq = itertools.count(1)


def make_queue(**overrides: object) -> Queue:
    n = next(_seq)
    values = {"name": f"Queue {n}", "code": f"queue-{n}"}
    values.update(overrides)
    return Queue.objects.create(**values)


def make_category(**overrides: object) -> Category:
    n = next(_seq)
    values: dict[str, object] = {"name": f"Category {n}"}
    values.update(overrides)
    if "queue" not in values:
        values["queue"] = make_queue()
    return Category.objects.create(**values)


def make_ticket(**overrides: object) -> Ticket:
    """A ticket written straight to the table (no service), for reads and setup."""
    from hatrack.directory.tests.factories import make_person

    n = next(_seq)
    values: dict[str, object] = {"subject": f"Projector in room {n} is dark"}
    values.update(overrides)
    if "queue" not in values:
        values["queue"] = make_queue()
    if "requester" not in values:
        values["requester"] = make_person(role="teacher")
    return Ticket.objects.create(**values)


def make_team(*, members: list[object] | None = None, **overrides: object) -> Team:
    n = next(_seq)
    values: dict[str, object] = {"name": f"Team {n}"}
    values.update(overrides)
    if "queue" not in values:
        values["queue"] = make_queue()
    team = Team.objects.create(**values)
    if members:
        team.members.set(members)
    return team
