"""Breach warnings: one round of the SLA sweep at a time, with time held still."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hatrack.conftest import make_user
from hatrack.core.audit import history_of
from hatrack.core.schedule import JOBS
from hatrack.directory.models import Closure, WorkingHours
from hatrack.directory.tests.factories import make_district
from hatrack.servicedesk.models import OutboundMail, SlaPolicy, Ticket, TicketMessage
from hatrack.servicedesk.services.sla_warnings import warn_due_tickets
from hatrack.servicedesk.tasks.sla import sweep_sla
from hatrack.servicedesk.tests.factories import make_team, make_ticket

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 3, 3, 12, 0, tzinfo=CHICAGO)  # a Tuesday at noon


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CHICAGO)


@pytest.fixture(autouse=True)
def calendar(db):
    make_district(time_zone="America/Chicago")
    for weekday in range(5):
        WorkingHours.objects.create(weekday=weekday, opens=dt.time(8), closes=dt.time(16))


@pytest.fixture
def standard(db) -> SlaPolicy:
    return SlaPolicy.objects.create(
        name="Standard", first_response_minutes=60, resolution_minutes=480, warn_before_minutes=60
    )


def due_ticket(queue, standard, resolution_due, **extra) -> Ticket:
    return make_ticket(
        queue=queue, sla_policy=standard, resolution_due=resolution_due,
        first_response_at=local(2026, 3, 3, 9), **extra,
    )  # fmt: skip


def mails():
    return sorted(OutboundMail.objects.values_list("to", "kind"))


def test_a_ticket_due_within_the_warning_window_is_warned_once(queue, standard, technician):
    ticket = due_ticket(queue, standard, local(2026, 3, 3, 12, 45), assignee=technician)
    assert warn_due_tickets(now=NOW) == 1
    assert warn_due_tickets(now=NOW) == 0
    ticket.refresh_from_db()
    assert ticket.resolution_warned_at == NOW
    assert mails() == [(technician.email, "sla_warning")]


def test_a_ticket_due_later_is_not_warned_yet(queue, standard, technician):
    due_ticket(queue, standard, local(2026, 3, 3, 13, 30), assignee=technician)
    assert warn_due_tickets(now=NOW) == 0
    assert not OutboundMail.objects.exists()


def test_the_warning_window_counts_business_minutes_over_the_night(queue, standard, technician):
    # 15:30 with a 60-minute window: 30 minutes today and 30 tomorrow morning.
    evening = local(2026, 3, 3, 15, 30)
    due_ticket(queue, standard, local(2026, 3, 4, 8, 20), assignee=technician)
    later = due_ticket(queue, standard, local(2026, 3, 4, 8, 45), assignee=technician)
    assert warn_due_tickets(now=evening) == 1
    later.refresh_from_db()
    assert later.resolution_warned_at is None


def test_the_warning_window_spans_a_break(queue, standard, technician):
    Closure.objects.create(
        name="Spring break", kind="break", start_date=dt.date(2026, 3, 16),
        end_date=dt.date(2026, 3, 20),
    )  # fmt: skip
    friday = local(2026, 3, 13, 15, 30)
    due_ticket(queue, standard, local(2026, 3, 23, 8, 15), assignee=technician)
    assert warn_due_tickets(now=friday) == 1


def test_an_overdue_ticket_not_yet_warned_is_warned_as_missed(queue, standard, technician):
    ticket = due_ticket(queue, standard, local(2026, 3, 3, 10), assignee=technician)
    warn_due_tickets(now=NOW)
    [note] = TicketMessage.objects.filter(ticket=ticket, kind="event")
    assert note.body.startswith("Resolution target missed")


def test_the_warning_leaves_a_timeline_event_and_an_audit_entry(queue, standard, technician):
    ticket = due_ticket(queue, standard, local(2026, 3, 3, 12, 30), assignee=technician)
    warn_due_tickets(now=NOW)
    [note] = TicketMessage.objects.filter(ticket=ticket, kind="event")
    assert note.body.startswith("Resolution due soon: due Tue Mar 03, 12:30")
    assert "resolution_warned_at" in history_of(ticket)[0].changes


def test_first_response_targets_are_warned_until_someone_answers(queue, standard, technician):
    waiting = make_ticket(
        queue=queue, sla_policy=standard, first_response_due=local(2026, 3, 3, 12, 30),
        assignee=technician,
    )  # fmt: skip
    make_ticket(
        queue=queue, sla_policy=standard, first_response_due=local(2026, 3, 3, 12, 30),
        first_response_at=local(2026, 3, 3, 11), assignee=technician,
    )  # fmt: skip
    assert warn_due_tickets(now=NOW) == 1
    waiting.refresh_from_db()
    assert waiting.first_response_warned_at == NOW
    assert OutboundMail.objects.get().subject.endswith("SLA warning: First response due soon on "
                                                       f"{waiting.subject}")  # fmt: skip


def test_paused_and_resolved_tickets_are_not_warned(queue, standard, technician):
    due = local(2026, 3, 3, 12, 30)
    due_ticket(queue, standard, due, assignee=technician, status="waiting_on_requester",
               sla_paused_since=local(2026, 3, 3, 11))  # fmt: skip
    due_ticket(queue, standard, due, assignee=technician, status="resolved",
               resolved_at=local(2026, 3, 3, 11))  # fmt: skip
    assert warn_due_tickets(now=NOW) == 0


def test_an_unassigned_ticket_warns_the_members_of_the_queues_teams(queue, standard, technician):
    other = make_user("technician", username="second-tech")
    make_team(queue=queue, name="Field", members=[other])
    due_ticket(queue, standard, local(2026, 3, 3, 12, 30))
    warn_due_tickets(now=NOW)
    assert mails() == sorted([(technician.email, "sla_warning"), (other.email, "sla_warning")])


def test_an_unassigned_ticket_with_a_team_warns_only_that_team(queue, standard, technician):
    other = make_user("technician", username="second-tech")
    field = make_team(queue=queue, name="Field", members=[other])
    due_ticket(queue, standard, local(2026, 3, 3, 12, 30), team=field)
    warn_due_tickets(now=NOW)
    assert mails() == [(other.email, "sla_warning")]


def test_a_round_warns_at_most_its_limit_and_the_next_round_takes_the_rest(
    queue, standard, technician
):
    for minute in range(5):
        due_ticket(queue, standard, local(2026, 3, 3, 12, 10 + minute), assignee=technician)
    assert warn_due_tickets(now=NOW, limit=3) == 3
    assert warn_due_tickets(now=NOW, limit=3) == 2


def test_a_policy_with_a_wider_window_warns_earlier(queue, technician):
    wide = SlaPolicy.objects.create(
        name="Wide", first_response_minutes=60, resolution_minutes=480, warn_before_minutes=180
    )
    due_ticket(queue, wide, local(2026, 3, 3, 14, 30), assignee=technician)
    assert warn_due_tickets(now=NOW) == 1


def test_the_sweep_costs_a_fixed_number_of_queries(
    queue, standard, technician, django_assert_max_num_queries
):
    for minute in range(20):
        due_ticket(queue, standard, local(2026, 3, 3, 12, 10 + minute), assignee=technician)
    with django_assert_max_num_queries(20):
        assert warn_due_tickets(now=NOW) == 20


def test_the_sweep_runs_every_five_minutes_as_a_task(queue, standard, technician):
    assert JOBS["servicedesk.sla_sweep"].seconds == 300
    assert JOBS["servicedesk.sla_sweep"].task is sweep_sla
    due_ticket(queue, standard, dt.datetime.now(tz=dt.UTC), assignee=technician)
    assert sweep_sla.call() == 1
