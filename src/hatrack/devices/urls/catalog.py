"""The catalog: device models and kits."""

from django.urls import path

from hatrack.devices.views import catalog

urlpatterns = [
    path("models/", catalog.model_list, name="model_list"),
    path("models/new/", catalog.model_create, name="model_create"),
    path("models/<int:pk>/", catalog.model_detail, name="model_detail"),
    path("models/<int:pk>/edit/", catalog.model_edit, name="model_edit"),
    path("kits/", catalog.kit_list, name="kit_list"),
    path("kits/new/", catalog.kit_create, name="kit_create"),
    path("kits/<int:pk>/edit/", catalog.kit_edit, name="kit_edit"),
]
