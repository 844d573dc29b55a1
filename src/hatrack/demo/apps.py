from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hatrack.demo"
    label = "demo"
    verbose_name = "Demo district"
