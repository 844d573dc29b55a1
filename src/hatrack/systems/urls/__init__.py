"""The systems hat's pages under /systems/, one module per area. The public status page
has its own root (/status/, `systems.urls.status`)."""

from hatrack.systems.urls import (
    alerting,
    catalog,
    checks,
    impact,
    incidents,
    insights,
    maintenance,
)

app_name = "systems"

urlpatterns = [
    *catalog.urlpatterns,
    *impact.urlpatterns,
    *checks.urlpatterns,
    *incidents.urlpatterns,
    *maintenance.urlpatterns,
    *alerting.urlpatterns,
    *insights.urlpatterns,
]
