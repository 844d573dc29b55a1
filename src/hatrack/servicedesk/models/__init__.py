"""The service desk's records, by sub-domain: tickets and queues, attachments, mail,
service levels, the knowledge base, the technician's tools and automation rules."""

from hatrack.servicedesk.models.attachments import Attachment
from hatrack.servicedesk.models.automation import AutomationRule
from hatrack.servicedesk.models.desk import CannedResponse, SatisfactionRating, SavedView
from hatrack.servicedesk.models.knowledge import Article, Deflection
from hatrack.servicedesk.models.mail import InboundMail, Mailbox, OutboundMail
from hatrack.servicedesk.models.sla import SlaPolicy
from hatrack.servicedesk.models.tickets import (
    REFERENCE_PATTERN,
    REFERENCE_PREFIX,
    Category,
    Queue,
    Tag,
    Team,
    Ticket,
    TicketLink,
    TicketMessage,
    TicketQuerySet,
    format_reference,
    parse_reference,
    queue_code,
)

__all__ = [
    "REFERENCE_PATTERN",
    "REFERENCE_PREFIX",
    "Article",
    "Attachment",
    "AutomationRule",
    "CannedResponse",
    "Category",
    "Deflection",
    "InboundMail",
    "Mailbox",
    "OutboundMail",
    "Queue",
    "SatisfactionRating",
    "SavedView",
    "SlaPolicy",
    "Tag",
    "Team",
    "Ticket",
    "TicketLink",
    "TicketMessage",
    "TicketQuerySet",
    "format_reference",
    "parse_reference",
    "queue_code",
]
