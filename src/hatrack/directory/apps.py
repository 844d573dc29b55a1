from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "hatrack.directory"
    label = "directory"
    verbose_name = "District directory"

    def ready(self) -> None:
        # Connects the import task's signal receiver.
        from hatrack.directory import tasks  # noqa: F401
