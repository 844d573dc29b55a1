"""The technician's workspace: the queue, tickets, bulk triage, canned responses and
saved views."""

from django.urls import path

from hatrack.servicedesk.views.desk import (
    bulk,
    canned,
    create,
    queue,
    saved_views,
    ticket,
    ticket_actions,
)

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("changes/", queue.queue_changes, name="queue_changes"),
    path("bulk/", bulk.bulk, name="bulk"),
    path("tickets/new/", create.ticket_create, name="ticket_create"),
    path("tickets/new/requesters/", create.requester_search, name="requester_search"),
    path("tickets/new/devices/", create.requester_devices, name="requester_devices"),
    path("tickets/<int:pk>/", ticket.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/changes/", ticket.ticket_changes, name="ticket_changes"),
    path("tickets/<int:pk>/canned/", ticket.ticket_canned, name="ticket_canned"),
    path("tickets/<int:pk>/reply/", ticket.ticket_reply, name="ticket_reply"),
    path("tickets/<int:pk>/update/", ticket_actions.ticket_update, name="ticket_update"),
    path("tickets/<int:pk>/status/", ticket_actions.ticket_status, name="ticket_status"),
    path("tickets/<int:pk>/merge/", ticket_actions.ticket_merge, name="ticket_merge"),
    path("tickets/<int:pk>/split/", ticket_actions.ticket_split, name="ticket_split"),
    path("canned/", canned.canned_list, name="canned_list"),
    path("canned/new/", canned.canned_create, name="canned_create"),
    path("canned/<int:pk>/edit/", canned.canned_edit, name="canned_edit"),
    path("canned/<int:pk>/delete/", canned.canned_delete, name="canned_delete"),
    path("views/", saved_views.saved_view_list, name="saved_view_list"),
    path("views/new/", saved_views.saved_view_create, name="saved_view_create"),
    path("views/<int:pk>/rename/", saved_views.saved_view_rename, name="saved_view_rename"),
    path("views/<int:pk>/delete/", saved_views.saved_view_delete, name="saved_view_delete"),
]
