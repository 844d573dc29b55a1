"""The leader's metrics: /servicedesk/metrics/ and its CSV exports."""

from django.urls import path

from hatrack.servicedesk.views import metrics

urlpatterns = [
    path("metrics/", metrics.metrics_page, name="metrics"),
    path("metrics/export/", metrics.metrics_csv, name="metrics_csv"),
]
