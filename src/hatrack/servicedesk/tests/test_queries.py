import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404

from hatrack.conftest import make_user
from hatrack.directory.tests.factories import make_person, make_site
from hatrack.servicedesk.models import Ticket, TicketMessage
from hatrack.servicedesk.queries import (
    get_ticket_for,
    messages_for,
    still_open,
    ticket_queue_page,
    tickets_visible_to,
)
from hatrack.servicedesk.tests.factories import make_queue, make_ticket


@pytest.fixture
def others_ticket(queue):
    return make_ticket(queue=queue, requester=make_person(role="teacher"))


@pytest.mark.parametrize("role", ["leader", "viewer"])
def test_leaders_and_viewers_see_every_ticket(role, ticket, others_ticket):
    elsewhere = make_ticket(queue=make_queue(name="Facilities"))
    user = make_user(role)
    assert set(tickets_visible_to(user)) == {ticket, others_ticket, elsewhere}


def test_technicians_see_the_tickets_of_the_queues_their_teams_work(
    technician, ticket, others_ticket
):
    make_ticket(queue=make_queue(name="Facilities"))
    assert set(tickets_visible_to(technician)) == {ticket, others_ticket}


def test_technicians_see_tickets_assigned_to_them_in_other_queues(technician, queue):
    facilities = make_ticket(queue=make_queue(name="Facilities"), assignee=technician)
    assert facilities in tickets_visible_to(technician)


def test_a_technician_in_no_team_sees_no_queue(ticket):
    newcomer = make_user("technician", username="newcomer")
    assert not tickets_visible_to(newcomer).exists()


def test_a_technician_leaves_a_queue_when_their_team_is_retired(technician, queue, ticket):
    queue.teams.update(active=False)
    assert not tickets_visible_to(technician).exists()


def test_staff_see_the_tickets_they_asked_for(asker, ticket, others_ticket):
    assert list(tickets_visible_to(asker)) == [ticket]


def test_staff_see_tickets_they_opened_for_nobody_else(staff, queue):
    mine = make_ticket(queue=queue, requester=None, created_by=staff)
    make_ticket(queue=queue)
    assert list(tickets_visible_to(staff)) == [mine]


def test_staff_see_tickets_others_opened_for_them(asker, queue, teacher, technician):
    for_them = make_ticket(queue=queue, requester=teacher, created_by=technician)
    assert for_them in tickets_visible_to(asker)


def test_an_anonymous_or_inactive_user_sees_no_tickets(ticket):
    inactive = make_user("technician", username="left", is_active=False)
    assert not tickets_visible_to(AnonymousUser()).exists()
    assert not tickets_visible_to(inactive).exists()


def test_staff_cannot_open_another_requesters_ticket(asker, others_ticket):
    with pytest.raises(Http404):
        get_ticket_for(asker, others_ticket.pk)


def test_the_requester_opens_their_own_ticket(asker, ticket):
    assert get_ticket_for(asker, ticket.pk) == ticket


def test_a_missing_ticket_is_not_found(technician):
    with pytest.raises(Http404):
        get_ticket_for(technician, 999999)


def test_a_requester_never_sees_internal_notes(asker, ticket, technician):
    TicketMessage.objects.create(ticket=ticket, body="Visible", kind="reply")
    TicketMessage.objects.create(ticket=ticket, body="Hidden", kind="note")
    assert [m.body for m in messages_for(asker, ticket)] == ["Visible"]
    assert [m.body for m in messages_for(technician, ticket)] == ["Visible", "Hidden"]


def test_the_queue_shows_newest_activity_first(technician, queue, teacher):
    older = make_ticket(queue=queue, requester=teacher)
    newer = make_ticket(queue=queue, requester=teacher)
    page = ticket_queue_page(technician, {})
    assert [row["id"] for row in page.rows] == [newer.pk, older.pk]


def test_the_queue_pages_by_cursor_without_losing_rows(technician, queue, teacher):
    made = [make_ticket(queue=queue, requester=teacher).pk for _ in range(5)]
    first = ticket_queue_page(technician, {}, size=2)
    second = ticket_queue_page(technician, {}, after=first.next_cursor, size=2)
    third = ticket_queue_page(technician, {}, after=second.next_cursor, size=2)
    seen = [r["id"] for page in (first, second, third) for r in page.rows]
    assert seen == sorted(made, reverse=True)
    assert third.next_cursor is None


def test_the_queue_pages_back_by_cursor_to_the_same_rows(technician, queue, teacher):
    made = [make_ticket(queue=queue, requester=teacher).pk for _ in range(5)]
    first = ticket_queue_page(technician, {}, size=2)
    second = ticket_queue_page(technician, {}, after=first.next_cursor, size=2)
    back = ticket_queue_page(technician, {}, before=second.prev_cursor, size=2)
    assert [r["id"] for r in back.rows] == sorted(made, reverse=True)[:2]
    assert back.is_first


def test_still_open_leaves_out_resolved_and_closed_tickets(queue, teacher):
    waiting = make_ticket(queue=queue, requester=teacher, status=Ticket.Status.WAITING_ON_REQUESTER)
    make_ticket(queue=queue, requester=teacher, status=Ticket.Status.RESOLVED)
    make_ticket(queue=queue, requester=teacher, status=Ticket.Status.CLOSED)
    assert list(Ticket.objects.filter(still_open()).values_list("pk", flat=True)) == [waiting.pk]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan for bound statuses")
def test_open_tickets_are_read_from_their_own_index_on_sqlite(db):
    # SQLite uses a partial index only when the query's condition is the index's own,
    # literals included; a status sent as a bound parameter reads every ticket.
    newest_open = Ticket.objects.filter(still_open()).order_by("-updated_at", "-id")[:50]
    sql, params = newest_open.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "ticket_open_updated_idx" in plan


def test_the_queue_rows_carry_what_the_table_prints(technician, ticket):
    row = ticket_queue_page(technician, {}).rows[0]
    assert row["reference"] == ticket.reference
    assert row["status_label"] == "New"
    assert row["priority_label"] == "Normal"
    assert row["requester_name"] == ticket.requester.full_name
    assert row["assignee_name"] == ""


def test_the_queue_filters_by_queue_status_site_and_assignee(technician, teacher):
    tech, facilities = make_queue(name="Tech"), make_queue(name="Facilities")
    site = make_site()
    target = make_ticket(
        queue=facilities, requester=teacher, site=site, status="open", assignee=technician
    )
    make_ticket(queue=tech, requester=teacher, site=site, status="open", assignee=technician)
    make_ticket(queue=facilities, requester=teacher, status="open")
    filters = {"queue": facilities.pk, "status": "open", "site": site.pk, "assignee": "me"}
    assert [r["id"] for r in ticket_queue_page(technician, filters).rows] == [target.pk]


def test_the_queue_finds_unassigned_open_tickets(technician, queue, teacher):
    waiting = make_ticket(queue=queue, requester=teacher)
    make_ticket(queue=queue, requester=teacher, assignee=technician)
    make_ticket(queue=queue, requester=teacher, status=Ticket.Status.RESOLVED)
    page = ticket_queue_page(technician, {"assignee": "none", "open_only": True})
    assert [r["id"] for r in page.rows] == [waiting.pk]


def test_staff_see_only_their_own_tickets_in_the_queue(asker, ticket, others_ticket):
    assert [r["id"] for r in ticket_queue_page(asker, {}).rows] == [ticket.pk]


@pytest.mark.parametrize("rows", [1, 50])
def test_a_queue_page_costs_one_query_at_1_and_50_rows(
    rows, technician, queue, teacher, django_assert_num_queries
):
    site = make_site()
    for _ in range(rows):
        make_ticket(queue=queue, requester=teacher, site=site, assignee=technician)
    with django_assert_num_queries(1):
        page = ticket_queue_page(technician, {})
    assert len(page.rows) == rows
