"""The requester's word on how a ticket went: one rating, 1 to 5, once it is resolved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hatrack.core import audit
from hatrack.servicedesk.models import SatisfactionRating, Ticket
from hatrack.servicedesk.services.rules import is_requester

if TYPE_CHECKING:
    from hatrack.accounts.models import User

MAX_COMMENT = 2000


def can_rate(ticket: Ticket, user: User) -> bool:
    """May the user rate this ticket now: their own request, resolved or closed."""
    return ticket.is_done and ticket.merged_into_id is None and is_requester(ticket, user)


def rate_ticket(*, ticket: Ticket, score: int, comment: str = "", by: User) -> SatisfactionRating:
    """Record the requester's rating of their resolved or closed ticket, once.

    Refused in words (ValidationError, nothing written) when `by` did not ask for the
    ticket, the ticket is still being worked on or was merged, the score is not 1-5,
    or the ticket already has a rating. Audited.
    """
    if not is_requester(ticket, by):
        raise ValidationError("Only the person who asked for help can rate the ticket.")
    if not ticket.is_done or ticket.merged_into_id is not None:
        raise ValidationError(f"{ticket.reference} can be rated once it is resolved.")
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": "Choose from 1 (poor) to 5 (excellent)."})
    text = comment.strip()
    if len(text) > MAX_COMMENT:
        raise ValidationError({"comment": f"Keep the comment under {MAX_COMMENT} characters."})
    if SatisfactionRating.objects.filter(ticket=ticket).exists():
        raise ValidationError(f"{ticket.reference} was already rated. Thank you!")
    rating = SatisfactionRating(ticket=ticket, score=score, comment=text, rated_by=by)
    try:
        with transaction.atomic():
            rating.save()
            audit.record_create(rating, by=by)
    except IntegrityError as exc:  # two tabs submitting at once: the second loses
        raise ValidationError(f"{ticket.reference} was already rated. Thank you!") from exc
    return rating
