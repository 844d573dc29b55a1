"""URLs of the systems hat: the catalog of systems and their dependencies."""

from django.urls import URLPattern, path

from hatrack.systems.views import catalog

urlpatterns: list[URLPattern] = [
    path("", catalog.system_list, name="system_list"),
    path("new/", catalog.system_create, name="system_create"),
    path("<int:pk>/", catalog.system_detail, name="system_detail"),
    path("<int:pk>/edit/", catalog.system_edit, name="system_edit"),
    path("<int:pk>/dependencies/", catalog.system_dependencies, name="system_dependencies"),
    path("dependencies/<int:pk>/delete/", catalog.dependency_delete, name="dependency_delete"),
]
