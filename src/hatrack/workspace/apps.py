from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "hatrack.workspace"
    label = "workspace"
    verbose_name = "Workspace"
