"""The service desk's background work. Importing this package declares its periodic
jobs (see core.schedule); the app config imports it when Django starts."""

from hatrack.servicedesk.tasks import attachments, mail, sla

__all__ = ["attachments", "mail", "sla"]
