"""The desk's settings for technology leaders, under /servicedesk/settings/: queues and
their categories, teams, and each queue's automation rules."""

from django.urls import path

from hatrack.servicedesk.views import settings, settings_rules, settings_teams

urlpatterns = [
    path("settings/", settings.settings_index, name="settings"),
    path("settings/queues/", settings.queue_list, name="queue_list"),
    path("settings/queues/new/", settings.queue_create, name="queue_create"),
    path("settings/queues/<int:pk>/", settings.queue_edit, name="queue_edit"),
    path(
        "settings/queues/<int:pk>/categories/new/",
        settings.category_create,
        name="category_create",
    ),
    path("settings/categories/<int:pk>/", settings.category_edit, name="category_edit"),
    path("settings/teams/", settings_teams.team_list, name="team_list"),
    path("settings/teams/new/", settings_teams.team_create, name="team_create"),
    path("settings/teams/<int:pk>/", settings_teams.team_edit, name="team_edit"),
    path("settings/queues/<int:pk>/rules/", settings_rules.rule_list, name="rule_list"),
    path("settings/queues/<int:pk>/rules/new/", settings_rules.rule_create, name="rule_create"),
    path("settings/rules/<int:pk>/", settings_rules.rule_edit, name="rule_edit"),
    path("settings/rules/<int:pk>/move/", settings_rules.rule_move, name="rule_move"),
    path("settings/rules/<int:pk>/delete/", settings_rules.rule_delete, name="rule_delete"),
]
