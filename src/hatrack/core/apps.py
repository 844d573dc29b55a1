from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hatrack.core"
    label = "core"
    verbose_name = "Core"
