"""URLs of the systems hat: impact analysis and the map of the dependency graph."""

from django.urls import path

from hatrack.systems.views import impact

urlpatterns = [
    path("impact/", impact.impact, name="impact"),
    path("map/", impact.graph_map, name="map"),
]
