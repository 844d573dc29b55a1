"""The devices hat's pages under /devices/: the fleet, the scanner, repairs and fees,
imports, labels, physical audits and the leader's lifecycle view."""

from hatrack.devices.urls import (
    audits,
    catalog,
    imports,
    labels,
    lifecycle,
    records,
    repairs,
    scanning,
)

app_name = "devices"
urlpatterns = [
    *records.urlpatterns,
    *catalog.urlpatterns,
    *scanning.urlpatterns,
    *repairs.urlpatterns,
    *imports.urlpatterns,
    *labels.urlpatterns,
    *audits.urlpatterns,
    *lifecycle.urlpatterns,
]
