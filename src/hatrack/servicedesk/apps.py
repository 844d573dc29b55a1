from django.apps import AppConfig


class ServiceDeskConfig(AppConfig):
    name = "hatrack.servicedesk"
    label = "servicedesk"
    verbose_name = "Service desk"

    def ready(self) -> None:
        # Declares the periodic jobs (mail polling, SLA sweep) the workers run.
        from hatrack.servicedesk import tasks  # noqa: F401
