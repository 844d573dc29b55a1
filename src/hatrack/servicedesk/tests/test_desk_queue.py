"""The technician's queue page: who may open it, filters, views, live checks, bulk work."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hatrack.conftest import make_user
from hatrack.directory.tests.factories import make_site
from hatrack.servicedesk.models import SavedView, Tag, Ticket
from hatrack.servicedesk.queries import queue_marker
from hatrack.servicedesk.tests.factories import make_queue, make_ticket

QUEUE = reverse("servicedesk:queue")


def rows_of(response):
    return [row["id"] for row in response.context["rows"]]


@pytest.mark.parametrize("persona", ["leader", "technician", "viewer"], indirect=True)
def test_those_who_work_or_read_tickets_open_the_queue(persona):
    _, client = persona
    assert client.get(QUEUE).status_code == 200


def test_staff_are_refused_the_queue(staff_client):
    assert staff_client.get(QUEUE).status_code == 403


def test_an_empty_queue_says_where_tickets_come_from(technician_client, queue):
    response = technician_client.get(QUEUE)
    assert "No tickets here" in response.content.decode()


def test_a_technician_sees_only_their_queues_tickets(technician_client, ticket):
    elsewhere = make_ticket(queue=make_queue(name="Facilities"))
    ids = rows_of(technician_client.get(QUEUE))
    assert ticket.pk in ids
    assert elsewhere.pk not in ids


def test_the_open_status_filter_leaves_out_resolved_and_closed(technician_client, queue):
    live = make_ticket(queue=queue, status=Ticket.Status.WAITING_ON_REQUESTER)
    make_ticket(queue=queue, status=Ticket.Status.RESOLVED)
    make_ticket(queue=queue, status=Ticket.Status.CLOSED)
    assert rows_of(technician_client.get(QUEUE, {"status": "open"})) == [live.pk]


def test_assignee_me_and_none_filter_the_queue(technician, technician_client, queue):
    mine = make_ticket(queue=queue, assignee=technician)
    nobodys = make_ticket(queue=queue)
    assert rows_of(technician_client.get(QUEUE, {"assignee": "me"})) == [mine.pk]
    assert rows_of(technician_client.get(QUEUE, {"assignee": "none"})) == [nobodys.pk]


def test_site_tag_and_channel_filter_the_queue(technician_client, queue):
    site = make_site(name="Cedar Elementary")
    at_site = make_ticket(queue=queue, site=site, channel=Ticket.Channel.PHONE)
    make_ticket(queue=queue)
    at_site.tags.add(Tag.objects.create(name="projector"))
    assert rows_of(technician_client.get(QUEUE, {"site": site.pk})) == [at_site.pk]
    assert rows_of(technician_client.get(QUEUE, {"tag": "projector"})) == [at_site.pk]
    assert rows_of(technician_client.get(QUEUE, {"channel": "phone"})) == [at_site.pk]


def test_a_search_needs_every_word_in_the_subject(technician_client, queue):
    hit = make_ticket(queue=queue, subject="Projector in room 12 flickers")
    make_ticket(queue=queue, subject="Projector bulb")
    assert rows_of(technician_client.get(QUEUE, {"q": "projector flick"})) == [hit.pk]


def test_subjects_and_filter_choices_are_escaped(technician_client, queue):
    make_queue(name="<b>Bold</b> desk")
    make_ticket(queue=queue, subject="<script>alert(1)</script> projector")
    page = technician_client.get(QUEUE).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; projector" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; desk</option>" in page


def test_the_chosen_filter_stays_selected(technician_client, queue):
    response = technician_client.get(QUEUE, {"queue": queue.pk})
    assert f'<option value="{queue.pk}" selected>' in response.content.decode()


def test_searching_a_reference_opens_that_ticket(technician_client, ticket):
    response = technician_client.get(QUEUE, {"q": ticket.reference})
    assert response.status_code == 302
    assert response["Location"] == reverse("servicedesk:ticket_detail", args=[ticket.pk])


def test_a_reference_one_may_not_see_opens_nothing(technician_client, queue):
    hidden = make_ticket(queue=make_queue(name="HR"))
    response = technician_client.get(QUEUE, {"q": hidden.reference})
    assert response.status_code == 200
    assert rows_of(response) == []


def test_breaching_today_shows_open_tickets_due_before_midnight(technician_client, queue):
    now = timezone.now()
    due = make_ticket(queue=queue, resolution_due=now + datetime.timedelta(minutes=5))
    make_ticket(queue=queue, resolution_due=now + datetime.timedelta(days=3))
    make_ticket(
        queue=queue,
        status=Ticket.Status.RESOLVED,
        resolved_at=now,
        resolution_due=now + datetime.timedelta(minutes=5),
    )
    assert rows_of(technician_client.get(QUEUE, {"sla": "breaching_today"})) == [due.pk]


def test_overdue_and_due_soon_tickets_carry_a_badge(technician_client, queue):
    now = timezone.now()
    make_ticket(queue=queue, subject="Late", resolution_due=now - datetime.timedelta(hours=1))
    make_ticket(queue=queue, subject="Soon", first_response_due=now + datetime.timedelta(hours=1))
    labels = {r["subject"]: r["sla_label"] for r in technician_client.get(QUEUE).context["rows"]}
    assert labels == {"Late": "Overdue", "Soon": "Due soon"}


def test_a_created_date_range_filters_the_queue(technician_client, queue):
    old = make_ticket(queue=queue)
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    new = make_ticket(queue=queue)
    today = timezone.localdate().isoformat()
    assert rows_of(technician_client.get(QUEUE, {"created_from": today})) == [new.pk]


def test_invalid_filter_values_are_ignored(technician_client, ticket):
    response = technician_client.get(QUEUE, {"site": "nope", "created_from": "yesterday"})
    assert rows_of(response) == [ticket.pk]


def test_the_built_in_views_are_offered(technician_client, queue):
    names = [v["name"] for v in technician_client.get(QUEUE).context["views"]]
    assert names[:4] == ["My open", "Unassigned", "Breaching today", "All open"]


def test_unassigned_at_my_site_uses_the_technicians_directory_site(technician, queue, teacher):
    technician.person = teacher
    technician.save()
    from django.test import Client

    client = Client()
    client.force_login(technician)
    views = {v["name"]: v["url"] for v in client.get(QUEUE).context["views"]}
    assert f"site={teacher.primary_site_id}" in views["Unassigned at my site"]


def test_saved_views_of_others_are_not_offered(technician_client, queue, leader):
    SavedView.objects.create(name="Leader's own", owner=leader, filters={"priority": "high"})
    SavedView.objects.create(name="Shared urgent", filters={"priority": "urgent"})
    names = [v["name"] for v in technician_client.get(QUEUE).context["views"]]
    assert "Shared urgent" in names
    assert "Leader's own" not in names


def test_the_queue_costs_the_same_queries_at_1_and_50_rows(
    technician_client, queue, django_assert_num_queries
):
    make_ticket(queue=queue)
    technician_client.get(QUEUE)
    with django_assert_num_queries(11) as one:
        technician_client.get(QUEUE, {"status": "open"})
    for _ in range(49):
        make_ticket(queue=queue)
    with django_assert_num_queries(len(one.captured_queries)):
        response = technician_client.get(QUEUE, {"status": "open"})
    assert len(response.context["rows"]) == 50


def test_the_live_check_answers_204_while_nothing_changed(technician, technician_client, ticket):
    marker = queue_marker(technician)
    response = technician_client.get(reverse("servicedesk:queue_changes"), {"since": marker})
    assert response.status_code == 204


def test_the_live_check_costs_one_query_when_nothing_changed(
    technician, technician_client, ticket, django_assert_num_queries
):
    marker = queue_marker(technician)
    url = reverse("servicedesk:queue_changes")
    technician_client.get(url, {"since": marker})  # the first request saves the session
    with django_assert_num_queries(3):  # session, user, the newest change
        technician_client.get(url, {"since": marker})


def test_the_live_check_redraws_the_table_after_a_change(technician, technician_client, ticket):
    marker = queue_marker(technician)
    ticket.subject = "Projector is on fire"
    ticket.save()
    response = technician_client.get(
        reverse("servicedesk:queue_changes"), {"since": marker, "status": "open"}
    )
    assert response.status_code == 200
    assert "Projector is on fire" in response.content.decode()
    assert 'id="results"' in response.content.decode()


def test_bulk_assign_to_me_reports_what_changed(technician, technician_client, queue):
    first, second = make_ticket(queue=queue), make_ticket(queue=queue)
    response = technician_client.post(
        reverse("servicedesk:bulk"),
        {"action": "assign_me", "ticket": [first.pk, second.pk], "next": "status=open"},
        follow=True,
    )
    assert "2 tickets assigned to you." in response.content.decode()
    assert set(Ticket.objects.filter(assignee=technician)) == {first, second}


def test_bulk_status_refuses_closed_tickets_and_changes_the_rest(technician_client, queue):
    live = make_ticket(queue=queue)
    closed = make_ticket(queue=queue, status=Ticket.Status.CLOSED)
    response = technician_client.post(
        reverse("servicedesk:bulk"),
        {"action": "status", "status": "resolved", "ticket": [live.pk, closed.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "1 ticket set to resolved." in text
    assert f"1 refused ({closed.reference}: closed" in text
    live.refresh_from_db()
    assert live.status == Ticket.Status.RESOLVED


def test_bulk_merge_joins_the_chosen_tickets_into_one(technician_client, queue):
    keep, dupe = make_ticket(queue=queue), make_ticket(queue=queue)
    technician_client.post(
        reverse("servicedesk:bulk"),
        {"action": "merge", "into": keep.reference, "ticket": [keep.pk, dupe.pk]},
    )
    dupe.refresh_from_db()
    assert dupe.merged_into == keep


def test_bulk_actions_ignore_tickets_the_technician_cannot_see(technician_client, queue):
    hidden = make_ticket(queue=make_queue(name="HR"))
    response = technician_client.post(
        reverse("servicedesk:bulk"), {"action": "close", "ticket": [hidden.pk]}, follow=True
    )
    assert "Select at least one ticket" in response.content.decode()
    hidden.refresh_from_db()
    assert hidden.status == Ticket.Status.NEW


def test_viewers_cannot_use_bulk_actions(viewer_client, ticket):
    response = viewer_client.post(
        reverse("servicedesk:bulk"), {"action": "close", "ticket": [ticket.pk]}
    )
    assert response.status_code == 403


def test_a_viewer_sees_no_bulk_bar(viewer_client, ticket):
    assert 'id="bulk-form"' not in viewer_client.get(QUEUE).content.decode()


def test_saving_the_current_filters_makes_a_view(technician, technician_client, queue):
    response = technician_client.post(
        reverse("servicedesk:saved_view_create"),
        {"name": "My urgent", "query": "priority=urgent&status=open&after=abc"},
    )
    view = SavedView.objects.get(owner=technician)
    assert view.filters == {"priority": "urgent", "status": "open"}
    assert response.status_code == 302


def test_only_leaders_share_views(technician_client, queue):
    response = technician_client.post(
        reverse("servicedesk:saved_view_create"),
        {"name": "Everyone", "query": "priority=urgent", "shared": "on"},
        follow=True,
    )
    assert "Only technology leaders can share views" in response.content.decode()
    assert not SavedView.objects.exists()


def test_a_duplicate_view_name_is_refused_in_words(technician, technician_client, queue):
    SavedView.objects.create(name="Mine", owner=technician, filters={"status": "open"})
    response = technician_client.post(
        reverse("servicedesk:saved_view_create"),
        {"name": "Mine", "query": "priority=high"},
        follow=True,
    )
    assert "You already have a view of that name." in response.content.decode()


def test_a_technician_renames_and_deletes_their_own_view(technician, technician_client, queue):
    view = SavedView.objects.create(name="Old", owner=technician, filters={"status": "open"})
    technician_client.post(
        reverse("servicedesk:saved_view_rename", args=[view.pk]), {f"v{view.pk}-name": "New"}
    )
    view.refresh_from_db()
    assert view.name == "New"
    technician_client.post(reverse("servicedesk:saved_view_delete", args=[view.pk]))
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_a_technician_cannot_delete_a_shared_view(technician_client, queue):
    view = SavedView.objects.create(name="Shared", filters={"status": "open"})
    technician_client.post(reverse("servicedesk:saved_view_delete", args=[view.pk]))
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_another_technicians_view_is_not_found(technician_client, queue):
    other = make_user("technician", username="other-tech")
    view = SavedView.objects.create(name="Theirs", owner=other, filters={"status": "open"})
    response = technician_client.post(reverse("servicedesk:saved_view_delete", args=[view.pk]))
    assert response.status_code == 404
