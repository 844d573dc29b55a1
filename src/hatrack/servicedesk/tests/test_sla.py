"""Service levels on tickets: the policy that applies, due times on the school calendar,
the pause while waiting on the requester, re-prioritising, and where a ticket stands."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from hatrack.core.audit import history_of
from hatrack.directory.models import Closure, WorkingHours
from hatrack.directory.tests.factories import make_district
from hatrack.servicedesk import services
from hatrack.servicedesk.models import SlaPolicy, Ticket
from hatrack.servicedesk.services import sla
from hatrack.servicedesk.sla_queries import breaching_today, describe_minutes
from hatrack.servicedesk.tests.factories import make_category, make_ticket

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")
Status = Ticket.Status


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CHICAGO)


@pytest.fixture(autouse=True)
def calendar(db):
    """Maple Valley in Chicago, open Monday to Friday 8:00 to 16:00."""
    make_district(time_zone="America/Chicago")
    for weekday in range(5):
        WorkingHours.objects.create(weekday=weekday, opens=dt.time(8), closes=dt.time(16))


def policy(**values) -> SlaPolicy:
    values = {"first_response_minutes": 60, "resolution_minutes": 480, **values}
    values.setdefault("name", f"Policy {SlaPolicy.objects.count() + 1}")
    return SlaPolicy.objects.create(**values)


def open_at(moment, queue, teacher, asker, **extra) -> Ticket:
    with time_machine.travel(moment, tick=False):
        return services.open_ticket(
            queue=queue, subject="Projector is dark", description="", requester=teacher,
            by=asker, **extra,
        )  # fmt: skip


def at(moment, change, *args, **kwargs):
    with time_machine.travel(moment, tick=False):
        return change(*args, **kwargs)


# --- Which policy applies ------------------------------------------------------------------


def test_a_category_policy_beats_a_queue_policy_which_beats_a_district_one(queue):
    hardware = make_category(queue=queue, name="Hardware")
    policy(name="District")
    policy(name="Technology", queue=queue)
    policy(name="Hardware", queue=queue, category=hardware)
    ticket = Ticket(queue=queue, category=hardware, priority="normal")
    assert sla.matching_policy(ticket).name == "Hardware"
    ticket.category = None
    assert sla.matching_policy(ticket).name == "Technology"
    ticket.queue_id = queue.pk + 1000
    assert sla.matching_policy(ticket).name == "District"


def test_a_policy_naming_the_priority_beats_one_for_any_priority(queue):
    policy(name="Any", queue=queue)
    policy(name="Urgent", queue=queue, priority="urgent")
    assert sla.matching_policy(Ticket(queue=queue, priority="urgent")).name == "Urgent"
    assert sla.matching_policy(Ticket(queue=queue, priority="low")).name == "Any"


def test_a_parent_category_policy_covers_its_subcategories_and_the_nearest_wins(queue):
    hardware = make_category(queue=queue, name="Hardware")
    chromebook = make_category(queue=queue, name="Chromebook", parent=hardware)
    screen = make_category(queue=queue, name="Screen", parent=chromebook)
    policy(name="Hardware", queue=queue, category=hardware)
    assert sla.matching_policy(Ticket(queue=queue, category=screen)).name == "Hardware"
    policy(name="Chromebooks", queue=queue, category=chromebook)
    assert sla.matching_policy(Ticket(queue=queue, category=screen)).name == "Chromebooks"


def test_inactive_policies_and_other_priorities_do_not_apply(queue):
    policy(name="Retired", queue=queue, active=False)
    policy(name="Urgent only", priority="urgent")
    assert sla.matching_policy(Ticket(queue=queue, priority="normal")) is None


# --- Starting the clock ---------------------------------------------------------------------


def test_opening_a_ticket_sets_its_policy_and_business_time_due_dates(queue, teacher, asker):
    standard = policy(name="Standard", first_response_minutes=120, resolution_minutes=960)
    ticket = open_at(local(2026, 3, 13, 15, 0), queue, teacher, asker)  # a Friday
    ticket.refresh_from_db()
    assert ticket.sla_policy == standard
    assert ticket.first_response_due == local(2026, 3, 16, 9, 0)
    assert ticket.resolution_due == local(2026, 3, 17, 15, 0)


def test_the_opening_audit_entry_shows_the_due_dates(queue, teacher, asker):
    policy()
    ticket = open_at(local(2026, 3, 3, 9, 0), queue, teacher, asker)
    created = next(e for e in history_of(ticket) if e.action == "create")
    # 8 business hours from 9:00: 7 hours on Tuesday, the last one on Wednesday morning.
    assert created.changes["resolution_due"] == "2026-03-04T15:00:00+00:00"
    assert created.changes["first_response_due"] == "2026-03-03T16:00:00+00:00"


def test_a_ticket_opened_during_a_break_counts_from_the_first_school_day(queue, teacher, asker):
    policy(first_response_minutes=30)
    Closure.objects.create(
        name="Spring break", kind="break", start_date=dt.date(2026, 3, 16),
        end_date=dt.date(2026, 3, 20),
    )  # fmt: skip
    ticket = open_at(local(2026, 3, 17, 10, 0), queue, teacher, asker)
    assert ticket.first_response_due == local(2026, 3, 23, 8, 30)


def test_a_ticket_without_a_matching_policy_has_no_targets(queue, teacher, asker):
    ticket = open_at(local(2026, 3, 3, 9, 0), queue, teacher, asker)
    assert ticket.sla_policy is None
    assert ticket.first_response_due is None
    assert ticket.resolution_due is None


# --- Pausing while waiting on the requester -------------------------------------------------


def test_waiting_on_the_requester_stops_the_clock(queue, teacher, asker, technician):
    policy()
    ticket = open_at(local(2026, 3, 3, 9, 0), queue, teacher, asker)
    at(local(2026, 3, 3, 10, 0), services.set_ticket_status, ticket=ticket,
       status=Status.WAITING_ON_REQUESTER, by=technician)  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.sla_paused_since == local(2026, 3, 3, 10, 0)


def test_leaving_the_wait_pushes_the_targets_by_the_business_minutes_paused(
    queue, teacher, asker, technician
):
    policy()  # response in 60, resolution in 480 business minutes
    ticket = open_at(local(2026, 3, 3, 9, 0), queue, teacher, asker)
    waiting = Status.WAITING_ON_REQUESTER
    at(local(2026, 3, 3, 9, 30), services.set_ticket_status, ticket=ticket, status=waiting,
       by=technician)  # fmt: skip
    # Paused from 9:30 Tuesday to 9:00 Wednesday: 6.5 hours that day and 1 the next, so
    # 450 minutes on both targets (due Tuesday 10:00 and Wednesday 9:00).
    at(local(2026, 3, 4, 9, 0), services.set_ticket_status, ticket=ticket, status=Status.OPEN,
       by=technician)  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.sla_paused_since is None
    assert ticket.first_response_due == local(2026, 3, 4, 9, 30)
    assert ticket.resolution_due == local(2026, 3, 5, 8, 30)


def test_a_requesters_reply_restarts_the_clock(queue, teacher, asker, technician):
    policy()
    ticket = open_at(local(2026, 3, 3, 9, 0), queue, teacher, asker)
    at(local(2026, 3, 3, 10, 0), services.reply_to_ticket, ticket=ticket, body="Which room?",
       by=technician)  # fmt: skip
    at(local(2026, 3, 3, 10, 0), services.set_ticket_status, ticket=ticket,
       status=Status.WAITING_ON_REQUESTER, by=technician)  # fmt: skip
    at(local(2026, 3, 3, 12, 0), services.reply_to_ticket, ticket=ticket, body="Room 12",
       by=asker)  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.sla_paused_since is None
    assert ticket.resolution_due == local(2026, 3, 4, 11, 0)
    # Answered already: the first response target is history and does not move.
    assert ticket.first_response_due == local(2026, 3, 3, 10, 0)


def test_a_wait_over_a_weekend_costs_no_business_time(queue, teacher, asker, technician):
    policy()
    ticket = open_at(local(2026, 3, 13, 15, 0), queue, teacher, asker)
    before = ticket.resolution_due
    at(local(2026, 3, 13, 16, 30), services.set_ticket_status, ticket=ticket,
       status=Status.WAITING_ON_REQUESTER, by=technician)  # fmt: skip
    at(local(2026, 3, 16, 7, 45), services.set_ticket_status, ticket=ticket, status=Status.OPEN,
       by=technician)  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.resolution_due == before


def test_bulk_status_changes_pause_and_restart_the_clock(queue, teacher, asker, technician):
    policy()
    tickets = [open_at(local(2026, 3, 3, 9, 0), queue, teacher, asker) for _ in range(3)]
    at(local(2026, 3, 3, 10, 0), services.bulk_set_status, tickets=tickets,
       status=Status.WAITING_ON_REQUESTER, by=technician)  # fmt: skip
    assert all(t.sla_paused_since for t in Ticket.objects.all())
    at(local(2026, 3, 3, 12, 0), services.bulk_set_status, tickets=tickets, status=Status.OPEN,
       by=technician)  # fmt: skip
    dues = set(Ticket.objects.values_list("resolution_due", "sla_paused_since"))
    assert dues == {(local(2026, 3, 4, 11, 0), None)}


def test_a_ticket_without_targets_is_never_paused(queue, teacher, asker, technician):
    ticket = open_at(local(2026, 3, 3, 9, 0), queue, teacher, asker)
    at(local(2026, 3, 3, 10, 0), services.set_ticket_status, ticket=ticket,
       status=Status.WAITING_ON_REQUESTER, by=technician)  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.sla_paused_since is None


# --- Re-prioritising --------------------------------------------------------------------------


def test_a_new_priority_brings_the_targets_of_its_policy_counted_from_opening(
    queue, teacher, asker
):
    policy(name="Normal")
    policy(name="Urgent", priority="urgent", first_response_minutes=15, resolution_minutes=120)
    ticket = open_at(local(2026, 3, 3, 9, 0), queue, teacher, asker)
    ticket.priority = "urgent"
    sla.reapply_policy(ticket, local(2026, 3, 3, 9, 5))
    assert ticket.sla_policy.name == "Urgent"
    assert ticket.first_response_due == local(2026, 3, 3, 9, 15)
    assert ticket.resolution_due == local(2026, 3, 3, 11, 0)


def test_re_prioritising_keeps_the_time_already_paused(queue, teacher, asker, technician):
    policy(name="Normal")
    policy(name="High", priority="high", resolution_minutes=240)
    ticket = open_at(local(2026, 3, 3, 9, 0), queue, teacher, asker)
    at(local(2026, 3, 3, 9, 0), services.set_ticket_status, ticket=ticket,
       status=Status.WAITING_ON_REQUESTER, by=technician)  # fmt: skip
    at(local(2026, 3, 3, 10, 0), services.set_ticket_status, ticket=ticket, status=Status.OPEN,
       by=technician)  # fmt: skip
    ticket.refresh_from_db()
    ticket.priority = "high"
    sla.reapply_policy(ticket, local(2026, 3, 3, 10, 0))
    assert ticket.resolution_due == local(2026, 3, 3, 14, 0)  # 4 hours + the hour paused


def test_re_prioritising_to_the_same_policy_changes_nothing(queue, teacher, asker):
    policy()
    ticket = open_at(local(2026, 3, 3, 9, 0), queue, teacher, asker)
    due, ticket.resolution_warned_at = ticket.resolution_due, local(2026, 3, 3, 15, 0)
    ticket.priority = "high"
    sla.reapply_policy(ticket, local(2026, 3, 3, 10, 0))
    assert ticket.resolution_due == due
    assert ticket.resolution_warned_at is not None


# --- Where a ticket stands ---------------------------------------------------------------------

NOW = local(2026, 3, 3, 12, 0)


def row(**values):
    fields = dict.fromkeys(sla.HasTargets.__annotations__)
    fields["status"] = Status.OPEN
    return SimpleNamespace(**{**fields, **values})


def test_a_ticket_without_targets_has_no_sla_state():
    assert sla.sla_state(row(), NOW) is None


def test_a_ticket_with_time_to_spare_is_ok():
    assert sla.sla_state(row(resolution_due=local(2026, 3, 4, 12)), NOW) == "ok"


def test_a_target_within_the_warning_window_is_due_soon():
    assert sla.sla_state(row(resolution_due=local(2026, 3, 3, 12, 30)), NOW) == "due_soon"


def test_a_warned_ticket_is_due_soon_even_if_the_clock_says_otherwise():
    due = local(2026, 3, 4, 12)
    state = sla.sla_state(row(resolution_due=due, resolution_warned_at=NOW), NOW)
    assert state == "due_soon"


def test_a_passed_target_is_breached():
    assert sla.sla_state(row(first_response_due=local(2026, 3, 3, 11)), NOW) == "breached"


def test_an_answered_first_response_no_longer_counts_as_pending():
    ticket = row(
        first_response_due=local(2026, 3, 3, 11), first_response_at=local(2026, 3, 3, 10),
        resolution_due=local(2026, 3, 5, 12),
    )  # fmt: skip
    assert sla.sla_state(ticket, NOW) == "ok"


def test_a_waiting_ticket_is_paused():
    ticket = row(resolution_due=local(2026, 3, 3, 11), sla_paused_since=local(2026, 3, 3, 10))
    assert sla.sla_state(ticket, NOW) == "paused"


def test_a_ticket_resolved_in_time_met_its_target_and_a_late_one_breached_it():
    due = local(2026, 3, 3, 11)
    early = row(status=Status.RESOLVED, resolution_due=due, resolved_at=local(2026, 3, 3, 10))
    late = row(status=Status.CLOSED, resolution_due=due, resolved_at=local(2026, 3, 3, 11, 1))
    assert sla.sla_state(early, NOW) == "met"
    assert sla.sla_state(late, NOW) == "breached"


# --- Breaching today ------------------------------------------------------------------------------


def test_breaching_today_finds_unresolved_tickets_due_before_midnight_district_time(queue):
    due_tonight = make_ticket(queue=queue, resolution_due=local(2026, 3, 3, 23, 30))
    overdue = make_ticket(queue=queue, resolution_due=local(2026, 3, 2, 9))
    make_ticket(queue=queue, resolution_due=local(2026, 3, 4, 0, 30))
    make_ticket(
        queue=queue, resolution_due=local(2026, 3, 3, 9), status=Status.RESOLVED,
        resolved_at=local(2026, 3, 3, 8),
    )  # fmt: skip
    make_ticket(queue=queue)
    found = set(Ticket.objects.filter(breaching_today(local(2026, 3, 3, 12))))
    assert found == {due_tonight, overdue}


# --- Policies -------------------------------------------------------------------------------------


def test_creating_a_policy_is_audited(leader, queue):
    made = sla.create_sla_policy(
        by=leader, name="Urgent", queue=queue, priority="urgent",
        first_response_minutes=15, resolution_minutes=240,
    )  # fmt: skip
    [entry] = history_of(made)
    assert entry.actor == leader
    assert entry.changes["resolution_minutes"] == 240


def test_a_policy_category_must_belong_to_its_queue(leader, queue):
    elsewhere = make_category()
    with pytest.raises(ValidationError) as error:
        sla.create_sla_policy(
            by=leader, name="Odd", queue=queue, category=elsewhere,
            first_response_minutes=15, resolution_minutes=240,
        )  # fmt: skip
    assert "category" in error.value.message_dict


def test_a_policy_with_a_category_takes_the_categorys_queue(leader, queue):
    hardware = make_category(queue=queue)
    made = sla.create_sla_policy(
        by=leader, name="Hardware", category=hardware, first_response_minutes=15,
        resolution_minutes=240,
    )  # fmt: skip
    assert made.queue == queue


def test_a_first_response_due_after_resolution_is_refused(leader):
    with pytest.raises(ValidationError) as error:
        sla.create_sla_policy(
            by=leader, name="Odd", first_response_minutes=600, resolution_minutes=60
        )
    assert "first_response_minutes" in error.value.message_dict


def test_updating_a_policy_records_before_and_after(leader):
    made = policy(name="Standard")
    sla.update_sla_policy(policy=made, by=leader, resolution_minutes=960, active=False)
    entry = history_of(made)[0]
    assert entry.changes["resolution_minutes"] == [480, 960]
    assert entry.changes["active"] == [True, False]


def test_targets_read_as_business_hours_and_minutes():
    assert describe_minutes(240) == "4 business hours"
    assert describe_minutes(60) == "1 business hour"
    assert describe_minutes(90) == "1 business hour 30 min"
    assert describe_minutes(45) == "45 business minutes"
