"""The systems hat over the API: the catalog of systems and their dependencies, health
checks and their results, incidents with their timelines, impact analysis and uptime.

Reading needs `systems.view` (leaders, technicians, viewers); opening, updating and
acknowledging incidents `systems.work` (leaders and technicians); adding and changing
checks `systems.checks` (leaders and technicians); the catalog and its dependencies
`systems.manage` (leaders). Every write goes through `systems.services`, so it is
validated and audited as from the pages; a refused change answers 422 with the
service's message under the API's field name.
"""

from ninja import Router

from hatrack.systems.api import catalog, checks, impact, incidents

router = Router()
router.add_router("", catalog.router)
router.add_router("", impact.router)
router.add_router("", checks.router)
router.add_router("", incidents.router)

__all__ = ["router"]
