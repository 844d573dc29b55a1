"""URLs of the systems hat: alerting settings, subscribers, and the acknowledge link."""

from django.urls import URLPattern, path

from hatrack.systems.views import alerting

urlpatterns: list[URLPattern] = [
    path("alerting/", alerting.alerting, name="alerting"),
    path("alerting/duty/new/", alerting.duty_create, name="duty_create"),
    path("alerting/duty/<int:pk>/delete/", alerting.duty_delete, name="duty_delete"),
    path("alerting/webhooks/new/", alerting.webhook_create, name="webhook_create"),
    path("alerting/webhooks/<int:pk>/edit/", alerting.webhook_edit, name="webhook_edit"),
    path("alerting/webhooks/<int:pk>/test/", alerting.webhook_test, name="webhook_test"),
    path("alerting/subscribers/", alerting.subscriber_list, name="subscriber_list"),
    path(
        "incidents/acknowledge/<str:token>/",
        alerting.acknowledge_link,
        name="acknowledge_link",
    ),
]
