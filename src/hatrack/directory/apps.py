from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "hatrack.directory"
    label = "directory"
    verbose_name = "District directory"
