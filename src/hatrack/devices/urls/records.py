"""The fleet: the device list and its CSV, one device, adding, editing, its status."""

from django.urls import path

from hatrack.devices.views import records

urlpatterns = [
    path("", records.device_list, name="device_list"),
    path("export/", records.device_export, name="device_export"),
    path("new/", records.device_create, name="device_create"),
    path("<int:pk>/", records.device_detail, name="device_detail"),
    path("<int:pk>/edit/", records.device_edit, name="device_edit"),
    path("<int:pk>/status/", records.device_status, name="device_status"),
]
