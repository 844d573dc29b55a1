"""The leader's lifecycle view: /devices/lifecycle/."""

from django.urls import path

from hatrack.devices.views import lifecycle

urlpatterns = [
    path("lifecycle/", lifecycle.lifecycle, name="lifecycle"),
]
