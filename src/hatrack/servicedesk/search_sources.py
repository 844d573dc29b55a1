"""The service desk's sources for the global search: tickets and knowledge base articles.

Both are scoped to the person searching (a technician finds the tickets of their queues,
technician-only articles stay hidden from others), so each source is made per user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from django.urls import reverse

from hatrack.core.permissions import can
from hatrack.core.search import Group, Hit, Source
from hatrack.servicedesk.knowledge_search import search_articles
from hatrack.servicedesk.models import Ticket
from hatrack.servicedesk.queries import person_name, queue_tickets

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from hatrack.accounts.models import User

STATUS_LABELS = dict(Ticket.Status.choices)
TICKET_COLUMNS = (
    "id",
    "subject",
    "status",
    "queue__name",
    "requester__given_name",
    "requester__family_name",
)


def sources_for(user: User | AnonymousUser) -> list[Source]:
    """The service desk sources this user may search."""
    sources: list[Source] = []
    if not user.is_authenticated:
        return sources
    if can(user, "servicedesk.view"):
        sources.append(lambda text, limit: search_tickets(user, text, limit))
    if can(user, "knowledge.read"):
        sources.append(lambda text, limit: search_knowledge(user, text, limit))
    return sources


def search_tickets(user: User, text: str, limit: int) -> Group:
    """Tickets by reference ("HT-123") or by every word in the subject, newest first."""
    qs = queue_tickets(user, {"q": text})
    rows: list[dict[str, Any]] = list(
        qs.order_by("-updated_at", "-id").values(*TICKET_COLUMNS)[: limit + 1]
    )
    hits = [
        Hit(
            title=f"{Ticket(pk=row['id']).reference} {row['subject']}",
            url=reverse("servicedesk:ticket_detail", args=[row["id"]]),
            detail=" · ".join(
                part
                for part in (
                    STATUS_LABELS.get(row["status"], row["status"]),
                    row["queue__name"],
                    person_name(row["requester__given_name"], row["requester__family_name"]),
                )
                if part
            ),
        )
        for row in rows[:limit]
    ]
    more_url = f"{reverse('servicedesk:queue')}?q={quote_plus(text)}"
    return Group("tickets", "Tickets", hits, more_url=more_url, more=len(rows) > limit)


def search_knowledge(user: User, text: str, limit: int) -> Group:
    """Published articles the user may read, best matches first."""
    rows = search_articles(user, text, limit=limit + 1)
    hits = [
        Hit(
            title=row["title"],
            url=reverse("portal:article_detail", args=[row["slug"]]),
            detail=row.get("summary") or "",
        )
        for row in rows[:limit]
    ]
    more_url = f"{reverse('portal:article_list')}?q={quote_plus(text)}"
    return Group("articles", "Knowledge base", hits, more_url=more_url, more=len(rows) > limit)
