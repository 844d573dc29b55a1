"""The devices hat over the API: device models, devices, who holds them, repairs.

Reading needs `devices.view` (leaders, technicians, viewers); changing devices, check-out,
check-in and repairs need `devices.work` (leaders and technicians); the catalog of
models `devices.manage` (leaders). Lists read through `devices.queries`, exactly as the
pages do, and every write goes through `devices.services`, so it is validated and
audited as from the pages; a refused change answers 422 with the service's message.
"""

from ninja import Router

from hatrack.devices.api import assignments, catalog, fleet, repairs

router = Router()
router.add_router("", catalog.router)
router.add_router("", fleet.router)
router.add_router("", assignments.router)
router.add_router("", repairs.router)

__all__ = ["router"]
