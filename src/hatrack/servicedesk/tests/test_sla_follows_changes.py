"""SLA targets follow a ticket when a technician changes its priority or category."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hatrack.directory.models import WorkingHours
from hatrack.directory.tests.factories import make_district
from hatrack.servicedesk import services
from hatrack.servicedesk.models import SlaPolicy
from hatrack.servicedesk.services.desk import update_ticket_fields

CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture(autouse=True)
def calendar(db):
    make_district(time_zone="America/Chicago")
    for weekday in range(5):
        WorkingHours.objects.create(weekday=weekday, opens=dt.time(8), closes=dt.time(16))


def test_raising_the_priority_moves_the_due_times_to_the_urgent_policy(
    queue, teacher, asker, technician
):
    SlaPolicy.objects.create(
        name="Normal", queue=queue, first_response_minutes=240, resolution_minutes=2400
    )
    urgent = SlaPolicy.objects.create(
        name="Urgent", queue=queue, priority="urgent", first_response_minutes=30,
        resolution_minutes=120,
    )  # fmt: skip
    monday_9 = dt.datetime(2026, 11, 2, 9, tzinfo=CHICAGO)
    with time_machine.travel(monday_9, tick=False):
        ticket = services.open_ticket(
            queue=queue, subject="No heat in the gym", description="", requester=teacher, by=asker
        )
        assert ticket.resolution_due == dt.datetime(2026, 11, 9, 9, tzinfo=CHICAGO)
        ticket = update_ticket_fields(
            ticket=ticket, by=technician, priority="urgent", category=None, team=None
        )
    assert ticket.sla_policy == urgent
    assert ticket.first_response_due == dt.datetime(2026, 11, 2, 9, 30, tzinfo=CHICAGO)
    assert ticket.resolution_due == dt.datetime(2026, 11, 2, 11, tzinfo=CHICAGO)


def test_a_rule_that_raises_the_priority_brings_the_urgent_targets(queue, teacher, asker):
    from hatrack.servicedesk.models import AutomationRule

    SlaPolicy.objects.create(
        name="Normal", queue=queue, first_response_minutes=240, resolution_minutes=2400
    )
    urgent = SlaPolicy.objects.create(
        name="Urgent", queue=queue, priority="urgent", first_response_minutes=30,
        resolution_minutes=120,
    )  # fmt: skip
    AutomationRule.objects.create(
        queue=queue, name="No heat", conditions={"keywords": ["heat"]},
        actions={"priority": "urgent"},
    )  # fmt: skip
    monday_9 = dt.datetime(2026, 11, 2, 9, tzinfo=CHICAGO)
    with time_machine.travel(monday_9, tick=False):
        ticket = services.open_ticket(
            queue=queue, subject="No heat in the gym", description="", requester=teacher, by=asker
        )
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.sla_policy) == ("urgent", urgent)
    assert ticket.resolution_due == dt.datetime(2026, 11, 2, 11, tzinfo=CHICAGO)
