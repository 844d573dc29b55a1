"""Handing out and collecting: the scanner, one device's check-out and check-in, and the
end-of-year collection report."""

from django.urls import path

from hatrack.devices.views import scanning

urlpatterns = [
    path("scan/", scanning.scan_list, name="scan_list"),
    path("scan/<int:pk>/", scanning.scan_session, name="scan_session"),
    path("scan/<int:pk>/scan/", scanning.scan_submit, name="scan_submit"),
    path("scan/<int:pk>/undo/", scanning.scan_undo, name="scan_undo"),
    path("scan/<int:pk>/finish/", scanning.scan_finish, name="scan_finish"),
    path("<int:pk>/check-out/", scanning.device_check_out, name="device_check_out"),
    path("<int:pk>/check-in/", scanning.device_check_in, name="device_check_in"),
    path("collection/", scanning.collection_report, name="collection_report"),
]
