"""Teams: keeping them, and how a ticket routed to a team finds its assignee."""

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from hatrack.conftest import make_user
from hatrack.core.models import AuditEntry
from hatrack.directory.tests.factories import make_person
from hatrack.servicedesk.models import Team, Ticket, TicketMessage
from hatrack.servicedesk.services.teams import (
    assign_by_team,
    create_team,
    next_assignee,
    update_team,
)
from hatrack.servicedesk.tests.factories import make_queue, make_team, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew():
    """Three technicians, created in id order."""
    return [make_user("technician", f"tech-{n}") for n in range(3)]


def picks(team, count):
    with transaction.atomic():
        return [next_assignee(team).username for _ in range(count)]


def test_round_robin_takes_members_in_turn_by_account_order(crew):
    team = make_team(members=list(reversed(crew)), assignment="round_robin")
    assert picks(team, 4) == ["tech-0", "tech-1", "tech-2", "tech-0"]


def test_round_robin_carries_on_after_the_last_one_given_a_ticket(crew):
    team = make_team(members=crew, assignment="round_robin")
    Team.objects.filter(pk=team.pk).update(last_assigned=crew[1])
    assert picks(team, 1) == ["tech-2"]


def test_round_robin_skips_inactive_members_and_those_who_do_not_work_tickets(crew):
    crew[1].is_active = False
    crew[1].save()
    viewer = make_user("viewer", "looker")
    team = make_team(members=[*crew, viewer], assignment="round_robin")
    assert picks(team, 3) == ["tech-0", "tech-2", "tech-0"]


def test_a_manual_team_picks_nobody(crew):
    team = make_team(members=crew, assignment="manual")
    with transaction.atomic():
        assert next_assignee(team) is None


def test_a_team_without_active_workers_picks_nobody():
    team = make_team(assignment="round_robin")
    with transaction.atomic():
        assert next_assignee(team) is None


def test_least_loaded_picks_the_member_with_fewest_open_tickets(crew):
    team = make_team(members=crew, assignment="least_loaded")
    for member, count in zip(crew, (2, 0, 1), strict=True):
        for _ in range(count):
            make_ticket(assignee=member)
    make_ticket(assignee=crew[1], status=Ticket.Status.RESOLVED)  # done work is no load
    assert picks(team, 1) == ["tech-1"]


def test_least_loaded_breaks_ties_in_round_robin_order(crew):
    team = make_team(members=crew, assignment="least_loaded")
    Team.objects.filter(pk=team.pk).update(last_assigned=crew[0])
    assert picks(team, 1) == ["tech-1"]


def test_assign_by_team_routes_and_picks_for_an_unassigned_ticket(crew, technician):
    queue = make_queue()
    team = make_team(queue=queue, members=crew, assignment="round_robin")
    ticket = assign_by_team(ticket=make_ticket(queue=queue), team=team, by=technician)
    assert (ticket.team, ticket.assignee) == (team, crew[0])
    event = TicketMessage.objects.get(ticket=ticket, kind="event")
    assert event.body == f"Routed to team {team.name}. Assigned to {crew[0]}."
    assert AuditEntry.objects.filter(object_id=str(ticket.pk), action="update").exists()


def test_assign_by_team_keeps_an_existing_assignee(crew, technician):
    queue = make_queue()
    team = make_team(queue=queue, members=crew, assignment="round_robin")
    ticket = make_ticket(queue=queue, assignee=technician)
    assert assign_by_team(ticket=ticket, team=team, by=technician).assignee == technician


def test_assign_by_team_refuses_a_team_of_another_queue(crew, technician):
    team = make_team(members=crew)
    with pytest.raises(ValidationError, match="team of the ticket's queue"):
        assign_by_team(ticket=make_ticket(), team=team, by=technician)


def test_staff_cannot_route_tickets(crew, staff):
    queue = make_queue()
    team = make_team(queue=queue, members=crew)
    with pytest.raises(ValidationError):
        assign_by_team(ticket=make_ticket(queue=queue), team=team, by=staff)


def test_a_leader_creates_a_team_with_members_and_it_is_audited(crew, leader):
    team = create_team(
        queue=make_queue(), by=leader, name=" Field ", assignment="round_robin", members=crew
    )
    assert team.name == "Field"
    assert set(team.members.all()) == set(crew)
    assert AuditEntry.objects.filter(object_id=str(team.pk), summary="Members changed").exists()


def test_only_technicians_and_leaders_can_join_a_team(leader):
    outsider = make_user("staff", "office")
    with pytest.raises(ValidationError, match="Only active technicians and leaders"):
        create_team(queue=make_queue(), by=leader, name="Field", members=[outsider])


def test_a_technician_cannot_change_teams(crew, technician):
    team = make_team(members=crew)
    with pytest.raises(ValidationError, match="Only technology leaders"):
        update_team(team=team, by=technician, name="Mine")


def test_a_duplicate_team_name_in_a_queue_is_refused_in_words(leader):
    queue = make_queue()
    make_team(queue=queue, name="Field")
    with pytest.raises(ValidationError, match="already has a team of that name"):
        create_team(queue=queue, by=leader, name="Field")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite admits one writer at a time, so turns cannot race",
)
@pytest.mark.django_db(transaction=True)
def test_tickets_routed_at_the_same_moment_never_share_a_turn():
    from hatrack.servicedesk.models import AutomationRule
    from hatrack.servicedesk.services import open_ticket

    threads_count, each = 6, 4
    crew = [make_user("technician", f"racer-{n}") for n in range(threads_count)]
    queue = make_queue()
    team = make_team(queue=queue, members=crew, assignment="round_robin")
    AutomationRule.objects.create(queue=queue, name="Route", actions={"team": team.pk})
    requester = make_person()
    start = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            for _ in range(each):
                open_ticket(
                    queue=queue, subject="Race", description="", requester=requester, by=None
                )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Had two tickets taken the same turn, someone would have one more and someone one less.
    got = Counter(Ticket.objects.values_list("assignee__username", flat=True))
    assert got == {member.username: each for member in crew}
