"""The service desk over the API: queues, their categories, tickets and their messages.

Permissions are the pages': everyone may ask (`servicedesk.request`), and what they then
see is scoped by `servicedesk.queries.tickets_visible_to` (a Staff user reads only their
own tickets, technicians the tickets of their queues, viewers everything but change
nothing). Working tickets needs `servicedesk.work`; shaping queues and categories
`servicedesk.manage`. A ticket one may not see answers 404, exactly like one that does
not exist. Every write goes through `servicedesk.services`, so it is validated, audited
and put on the ticket's timeline as from the pages; a refused change answers 422 with
the service's message in words.
"""

from ninja import Router

from hatrack.servicedesk.api import queues, tickets

router = Router()
router.add_router("", queues.router)
router.add_router("", tickets.router)

__all__ = ["router"]
