from django.apps import AppConfig


class SystemsConfig(AppConfig):
    name = "hatrack.systems"
    label = "systems"
    verbose_name = "Systems and resilience"

    def ready(self) -> None:
        # Declares the periodic jobs (rollups, escalation, auto-resolve) with core.schedule.
        from hatrack.systems import tasks  # noqa: F401
