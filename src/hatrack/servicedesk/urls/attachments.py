from django.urls import path

from hatrack.servicedesk.views import attachments

urlpatterns = [
    path(
        "attachments/<int:pk>/download/",
        attachments.attachment_download,
        name="attachment_download",
    ),
]
