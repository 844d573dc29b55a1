"""Asset labels for a selection of devices, as a PDF."""

from django.urls import path

from hatrack.devices.views import labels

urlpatterns = [
    path("labels/", labels.label_sheet, name="label_sheet"),
]
