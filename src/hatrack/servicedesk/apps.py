from django.apps import AppConfig


class ServiceDeskConfig(AppConfig):
    name = "hatrack.servicedesk"
    label = "servicedesk"
    verbose_name = "Service desk"
