"""URLs of the systems hat: checks."""

from django.urls import URLPattern, path

from hatrack.systems.views import checks

urlpatterns: list[URLPattern] = [
    path("checks/", checks.check_list, name="check_list"),
    path("checks/new/", checks.check_create, name="check_create"),
    path("checks/<int:pk>/", checks.check_detail, name="check_detail"),
    path("checks/<int:pk>/edit/", checks.check_edit, name="check_edit"),
    path("checks/<int:pk>/run/", checks.check_run, name="check_run"),
]
