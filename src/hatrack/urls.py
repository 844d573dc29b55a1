"""Every URL of Hatrack. Each app owns its own urls module; the API has one root."""

from django.urls import include, path

from hatrack.api import api
from hatrack.core.views import health
from hatrack.workspace import views as workspace_views

urlpatterns = [
    path("", workspace_views.home, name="home"),
    path("search/", workspace_views.search, name="search"),
    path("hats/", include("hatrack.workspace.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("hatrack.accounts.urls")),
    path("directory/", include("hatrack.directory.urls")),
    path("servicedesk/", include("hatrack.servicedesk.urls")),
    path("devices/", include("hatrack.devices.urls")),
    path("systems/", include("hatrack.systems.urls")),
    path("status/", include(("hatrack.systems.urls.status", "status"))),
    path("help/", include("hatrack.servicedesk.urls.portal")),
    path("audit/", include("hatrack.core.urls_audit")),
    path("tasks/", include("hatrack.core.urls_tasks")),
    path("api/", api.urls),
]

handler403 = "hatrack.core.views.errors.permission_denied"
handler404 = "hatrack.core.views.errors.page_not_found"
handler500 = "hatrack.core.views.errors.server_error"
