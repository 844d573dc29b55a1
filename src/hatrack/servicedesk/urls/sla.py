"""SLA policies under /servicedesk/sla/ (leaders)."""

from django.urls import path

from hatrack.servicedesk.views import sla

urlpatterns = [
    path("sla/", sla.sla_list, name="sla_list"),
    path("sla/new/", sla.sla_create, name="sla_create"),
    path("sla/<int:pk>/edit/", sla.sla_edit, name="sla_edit"),
]
