"""The REST API root: one NinjaAPI under /api/, each app adds its router.

Authentication, permissions, errors and pages are shared (`hatrack.core.api`); the
schema is at /api/openapi.json and the interactive docs at /api/docs, both for
signed-in users, served from Ninja's bundled static files (no CDN).
"""

from ninja import Swagger

from hatrack.core.api import HatrackAPI
from hatrack.devices.api import router as devices_router
from hatrack.directory.api import router as directory_router
from hatrack.servicedesk.api import router as servicedesk_router
from hatrack.systems.api import router as systems_router

DESCRIPTION = """The district directory of Hatrack: the district profile, sites, departments
and people; its service desk: queues, categories, tickets and their messages; its
devices: the catalog of device models, the devices, who holds them, and repairs; and
its systems: the catalog, dependencies, impact analysis, health checks, incidents and
uptime.

**Authentication.** Send an API token, created on your profile page, in the header
`Authorization: Bearer htk_...`; or use the API from a signed-in browser session
(unsafe methods then need the `X-CSRFToken` header). The API acts with your role:
Viewers, Technicians and Technology leaders read; only Technology leaders change.
In the service desk everyone may open tickets and reply on their own, technicians
work the tickets of their queues, and a ticket you may not see answers 404.
For devices, Technicians and Technology leaders add and change devices, check them out
and in and open repairs; only Technology leaders change the catalog of models.
For systems, every reader may run impact analysis; Technicians and Technology leaders
add checks and open, update and acknowledge incidents; only Technology leaders change
the catalog of systems and their dependencies.

**Lists** return `{"items": [...], "next": "<url>"}`; follow `next` until it is null.
`limit` sets the page size (at most 200).

**Errors** are JSON: `{"detail": "..."}`; invalid values give 422 with `errors`, a
list of messages per field. Nothing is changed by a request that fails.
"""

api = HatrackAPI(
    title="Hatrack API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    # No outside validator badge: the docs page talks to this server only.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
api.add_router("", directory_router)
api.add_router("", servicedesk_router)
api.add_router("", devices_router)
api.add_router("", systems_router)
