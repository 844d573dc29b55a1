"""rate_ticket: the requester's one rating of a resolved or closed ticket."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hatrack.core.audit import history_of
from hatrack.servicedesk.models import SatisfactionRating, Ticket
from hatrack.servicedesk.services.satisfaction import rate_ticket

Status = Ticket.Status


@pytest.fixture
def resolved(ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED, resolved_at=timezone.now())
    ticket.refresh_from_db()
    return ticket


def test_the_requester_rates_a_resolved_ticket(resolved, asker):
    rating = rate_ticket(ticket=resolved, score=4, comment="  Thanks ", by=asker)
    assert (rating.score, rating.comment, rating.rated_by) == (4, "Thanks", asker)


def test_a_rating_is_audited(resolved, asker):
    rating = rate_ticket(ticket=resolved, score=4, by=asker)
    assert [e.action for e in history_of(rating)] == ["create"]


def test_a_closed_ticket_can_be_rated(ticket, asker):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    ticket.refresh_from_db()
    assert rate_ticket(ticket=ticket, score=2, by=asker).score == 2


def test_an_open_ticket_cannot_be_rated_yet(ticket, asker):
    with pytest.raises(ValidationError, match="once it is resolved"):
        rate_ticket(ticket=ticket, score=5, by=asker)
    assert not SatisfactionRating.objects.exists()


def test_a_ticket_is_rated_only_once(resolved, asker):
    rate_ticket(ticket=resolved, score=5, by=asker)
    with pytest.raises(ValidationError, match="already rated"):
        rate_ticket(ticket=resolved, score=1, by=asker)
    assert SatisfactionRating.objects.get().score == 5


def test_only_the_requester_can_rate(resolved, technician):
    with pytest.raises(ValidationError, match="Only the person who asked"):
        rate_ticket(ticket=resolved, score=5, by=technician)


@pytest.mark.parametrize("score", [0, 6, -1])
def test_scores_outside_one_to_five_are_refused(resolved, asker, score):
    with pytest.raises(ValidationError, match="from 1"):
        rate_ticket(ticket=resolved, score=score, by=asker)


def test_an_overlong_comment_is_refused(resolved, asker):
    with pytest.raises(ValidationError, match="under 2000"):
        rate_ticket(ticket=resolved, score=3, comment="x" * 2001, by=asker)
