"""Downloading a ticket's attachments: only as files, only for those who may read them."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest

from hatrack.core.permissions import can, requires
from hatrack.servicedesk.models import Attachment, TicketMessage
from hatrack.servicedesk.queries import get_ticket_for

# A downloaded file is never a page of ours: no scripts, no plugins, no frames, even if a
# browser were talked into rendering it.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


@requires("servicedesk.request")
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, as a download. 404 when the ticket is not the user's to read, and for a
    requester when the file came with an internal note."""
    attachment = Attachment.objects.select_related("message").filter(pk=pk).first()
    if attachment is None:
        raise Http404("No such attachment.")
    get_ticket_for(request.user, attachment.ticket_id)
    note = attachment.message is not None and attachment.message.kind == TicketMessage.Kind.NOTE
    if note and not can(request.user, "servicedesk.view"):
        raise Http404("No such attachment.")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is no longer stored.") from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response
