"""The portal's front page: asking for help and the list of one's own tickets."""

import pytest
from django.urls import reverse

from hatrack.core.models import AuditEntry
from hatrack.servicedesk.models import Attachment, Ticket
from hatrack.servicedesk.tests.factories import make_category, make_queue, make_ticket

HOME = "/help/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def ask(client, **values):
    data = {"subject": "Projector shows no picture", "description": "Room 12."}
    data.update(values)
    return client.post(reverse("portal:ticket_create"), data)


@pytest.mark.parametrize("role", ["leader", "technician", "staff", "viewer"])
def test_everyone_signed_in_sees_the_ask_for_help_form(role, request, client_for, queue):
    response = client_for(request.getfixturevalue(role)).get(HOME)
    assert response.status_code == 200
    assert b"Ask for help" in response.content
    assert b"My tickets" in response.content


def test_an_outsider_is_sent_to_sign_in(client, queue):
    response = client.get(HOME)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_newcomer_sees_a_helpful_empty_state(client_for, asker, queue):
    response = client_for(asker).get(HOME)
    assert "No tickets yet: ask for help above" in response.content.decode()


def test_the_help_desk_choice_is_hidden_when_only_one_queue_takes_tickets(client_for, asker, queue):
    page = client_for(asker).get(HOME).content.decode()
    assert 'type="hidden" name="queue"' in page
    assert "Who can help" not in page


def test_the_help_desk_choice_offers_only_active_queues_with_technology_first_chosen(
    client_for, asker, queue
):
    make_queue(name="Facilities", code="facilities")
    make_queue(name="Old payroll", code="payroll", active=False)
    page = client_for(asker).get(HOME).content.decode()
    assert "Who can help" in page
    assert "Facilities" in page
    assert "Old payroll" not in page
    assert f'<option value="{queue.pk}" selected>Technology</option>' in page


def test_the_site_defaults_to_the_requesters_site(client_for, asker, queue, teacher):
    page = client_for(asker).get(HOME).content.decode()
    assert f'<option value="{teacher.primary_site_id}" selected>' in page


def test_asking_for_help_opens_a_portal_ticket_for_the_requesters_person(
    client_for, asker, queue, teacher
):
    response = ask(client_for(asker), queue=queue.pk, site=teacher.primary_site_id)
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:ticket_detail", args=[ticket.pk])
    assert (ticket.requester, ticket.created_by, ticket.channel) == (teacher, asker, "portal")
    assert ticket.site == teacher.primary_site
    assert AuditEntry.objects.filter(object_id=str(ticket.pk), action="create").exists()


def test_an_account_without_a_directory_record_asks_for_itself(client_for, staff, queue):
    ask(client_for(staff), queue=queue.pk)
    ticket = Ticket.objects.get()
    assert (ticket.requester, ticket.created_by) == (None, staff)


def test_a_request_without_a_subject_is_refused_beside_the_field(client_for, asker, queue):
    response = ask(client_for(asker), queue=queue.pk, subject="  ")
    assert response.status_code == 200
    assert "Say in a few words what you need help with." in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_category_of_the_chosen_queue_is_kept(client_for, asker, queue):
    category = make_category(queue=queue, name="Projectors")
    ask(client_for(asker), queue=queue.pk, category=category.pk)
    assert Ticket.objects.get().category == category


def test_a_category_of_another_queue_is_refused_in_words(client_for, asker, queue):
    other = make_category(queue=make_queue(name="Facilities"), name="Boilers")
    response = ask(client_for(asker), queue=queue.pk, category=other.pk)
    assert "Choose one of the kinds listed" in response.content.decode()
    assert not Ticket.objects.exists()


def test_changing_the_queue_without_javascript_shows_its_categories_and_files_nothing(
    client_for, asker, queue
):
    facilities = make_queue(name="Facilities", code="facilities")
    make_category(queue=facilities, name="Boilers")
    response = ask(client_for(asker), queue=facilities.pk, refresh="1")
    page = response.content.decode()
    assert "Boilers" in page
    assert "Projector shows no picture" in page  # what was typed is kept
    assert not Ticket.objects.exists()


def test_the_category_partial_lists_the_chosen_queues_categories(client_for, asker, queue):
    make_category(queue=queue, name="Projectors")
    facilities = make_queue(name="Facilities", code="facilities")
    make_category(queue=facilities, name="Boilers")
    url = reverse("portal:category_options") + f"?queue={facilities.pk}"
    page = client_for(asker).get(url).content.decode()
    assert 'id="category-field"' in page
    assert "Boilers" in page
    assert "Projectors" not in page


def test_categories_show_their_place_in_the_tree(client_for, asker, queue):
    hardware = make_category(queue=queue, name="Hardware")
    make_category(queue=queue, name="Chromebook", parent=hardware)
    page = client_for(asker).get(HOME).content.decode()
    assert "Hardware › Chromebook" in page


def test_files_are_attached_to_the_new_ticket(client_for, asker, queue, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [
        SimpleUploadedFile("screen.png", PNG, content_type="image/png"),
        SimpleUploadedFile("notes.txt", b"It flickers.", content_type="text/plain"),
    ]
    ask(client_for(asker), queue=queue.pk, attachments=files)
    ticket = Ticket.objects.get()
    assert sorted(a.filename for a in ticket.attachments.all()) == ["notes.txt", "screen.png"]


def test_one_bad_file_refuses_the_request_and_stores_nothing(
    client_for, asker, queue, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [
        SimpleUploadedFile("screen.png", PNG, content_type="image/png"),
        SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
    ]
    response = ask(client_for(asker), queue=queue.pk, attachments=files)
    assert "run.exe is not a kind of file the service desk accepts" in response.content.decode()
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()
    assert not any(tmp_path.rglob("*.png"))


def test_a_file_over_the_limit_is_refused_by_its_size(client_for, asker, queue, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.HATRACK_ATTACHMENT_MAX_BYTES = 10
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("screen.png", PNG, content_type="image/png")
    response = ask(client_for(asker), queue=queue.pk, attachments=[big])
    assert "files can be at most 10" in response.content.decode()
    assert not Ticket.objects.exists()


def test_my_tickets_lists_only_my_own_requests(client_for, asker, queue, teacher, technician):
    mine = make_ticket(queue=queue, requester=teacher, subject="My printer jams")
    make_ticket(queue=queue, subject="Someone else's laptop")
    page = client_for(asker).get(HOME).content.decode()
    assert mine.subject in page
    assert "Someone else's laptop" not in page


def test_a_technicians_my_tickets_are_their_requests_not_their_queue(client_for, technician, queue):
    make_ticket(queue=queue, subject="A teacher's projector")
    own = make_ticket(queue=queue, created_by=technician, requester=None, subject="My monitor")
    page = client_for(technician).get(reverse("portal:ticket_list")).content.decode()
    assert own.subject in page
    assert "A teacher's projector" not in page


@pytest.mark.parametrize("count", [1, 50])
def test_my_tickets_costs_the_same_queries_for_one_or_many(
    client_for, asker, queue, teacher, count, django_assert_num_queries
):
    for n in range(count):
        make_ticket(queue=queue, requester=teacher, subject=f"Request {n}")
    client = client_for(asker)
    client.get(reverse("portal:ticket_list"))  # the session and district name settle
    # session, user, the page of tickets
    with django_assert_num_queries(3):
        response = client.get(reverse("portal:ticket_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 50])
def test_the_front_page_costs_the_same_queries_for_one_or_many_tickets(
    client_for, asker, queue, teacher, count, django_assert_num_queries
):
    for n in range(count):
        make_ticket(queue=queue, requester=teacher, subject=f"Request {n}")
    client = client_for(asker)
    client.get(HOME)  # the session and district name settle
    # session, user, queues, categories, person (their site), devices they hold, tickets,
    # sites
    with django_assert_num_queries(8):
        response = client.get(HOME)
    assert response.status_code == 200


def test_my_tickets_pages_with_a_cursor(client_for, asker, queue, teacher):
    for n in range(30):
        make_ticket(queue=queue, requester=teacher, subject=f"Request {n}")
    client = client_for(asker)
    first = client.get(reverse("portal:ticket_list"))
    cursor = first.context["page"].next_cursor
    second = client.get(reverse("portal:ticket_list") + f"?after={cursor}")
    assert len(first.context["page"].rows) == 25
    assert len(second.context["page"].rows) == 5


def test_my_tickets_says_how_to_start_when_there_are_none(client_for, asker, queue):
    page = client_for(asker).get(reverse("portal:ticket_list")).content.decode()
    assert "No tickets yet" in page
    assert "Ask for help" in page


def test_the_subject_can_be_carried_over_from_an_article(client_for, asker, queue):
    page = client_for(asker).get(HOME + "?subject=Printer+jams").content.decode()
    assert 'value="Printer jams"' in page


def test_a_refused_request_shows_suggestions_for_its_subject_without_javascript(
    client_for, asker, queue
):
    from hatrack.servicedesk.services.knowledge import create_article

    create_article(
        by=None, title="Projector shows no picture", body="Check the input.", published=True
    )
    response = ask(client_for(asker), queue=queue.pk, site="not-a-site")
    assert "These answers might help" in response.content.decode()
