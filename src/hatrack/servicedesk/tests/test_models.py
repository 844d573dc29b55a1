import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hatrack.servicedesk.models import Category, Ticket, format_reference, parse_reference
from hatrack.servicedesk.tests.factories import make_category, make_queue, make_ticket


def test_a_reference_shows_the_number_padded_to_six_digits():
    assert format_reference(123) == "HT-000123"
    assert format_reference(1234567) == "HT-1234567"


def test_a_reference_is_found_in_a_mail_subject():
    assert parse_reference("Re: [HT-000123] Projector is dark") == 123
    assert parse_reference("re: ht-42 again") == 42
    assert parse_reference("No reference here") is None


def test_ticket_numbers_are_unique_and_increasing(queue, teacher):
    numbers = [make_ticket(queue=queue, requester=teacher).pk for _ in range(20)]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 20


def test_a_ticket_shows_its_reference(ticket):
    assert ticket.reference == format_reference(ticket.pk)
    assert str(ticket).startswith(ticket.reference)


def test_a_ticket_needs_a_requester_or_the_account_that_opened_it(queue):
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(queue=queue, subject="Who asked?")


def test_a_merged_ticket_must_be_closed(ticket, queue, teacher):
    other = make_ticket(queue=queue, requester=teacher)
    ticket.merged_into = other
    with pytest.raises(ValidationError, match="A merged ticket is closed"):
        ticket.full_clean()


def test_two_top_level_categories_of_a_queue_cannot_share_a_name(db):
    queue = make_queue()
    make_category(queue=queue, name="Hardware")
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(queue=queue, name="Hardware")


def test_categories_under_different_parents_may_share_a_name(db):
    queue = make_queue()
    laptops = make_category(queue=queue, name="Laptops")
    tablets = make_category(queue=queue, name="Tablets")
    make_category(queue=queue, parent=laptops, name="Screen")
    make_category(queue=queue, parent=tablets, name="Screen")
    assert Category.objects.filter(name="Screen").count() == 2


def test_two_queues_cannot_receive_mail_at_the_same_address(db):
    make_queue(email="help@example.org")
    make_queue(email="")
    make_queue(email="")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_queue(email="help@example.org")
