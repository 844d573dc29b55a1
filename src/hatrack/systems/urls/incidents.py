"""URLs of the systems hat: incidents."""

from django.urls import URLPattern, path

from hatrack.systems.views import incidents as views

urlpatterns: list[URLPattern] = [
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/update/", views.incident_update, name="incident_update"),
    path(
        "incidents/<int:pk>/acknowledge/", views.incident_acknowledge, name="incident_acknowledge"
    ),
    path("incidents/<int:pk>/tickets/", views.incident_link_ticket, name="incident_link_ticket"),
    path("incidents/<int:pk>/review/", views.incident_review, name="incident_review"),
]
