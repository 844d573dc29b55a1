"""URLs of the systems hat: the leader view (insights)."""

from django.urls import path

from hatrack.systems.views import insights

urlpatterns = [
    path("insights/", insights.insights, name="insights"),
]
