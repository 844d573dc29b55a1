from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "hatrack.devices"
    label = "devices"
    verbose_name = "Devices and assets"
