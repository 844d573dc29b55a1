"""URLs of the systems hat: maintenance."""

from django.urls import URLPattern, path

from hatrack.systems.views import maintenance as views

urlpatterns: list[URLPattern] = [
    path("maintenance/", views.maintenance_list, name="maintenance_list"),
    path("maintenance/new/", views.maintenance_create, name="maintenance_create"),
    path("maintenance/<int:pk>/edit/", views.maintenance_edit, name="maintenance_edit"),
    path("maintenance/<int:pk>/cancel/", views.maintenance_cancel, name="maintenance_cancel"),
]
