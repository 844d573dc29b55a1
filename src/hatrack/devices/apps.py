from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "hatrack.devices"
    label = "devices"
    verbose_name = "Devices and assets"

    def ready(self) -> None:
        # Connects the import task's signal receiver.
        from hatrack.devices import tasks  # noqa: F401
