"""Files on replies and internal notes, from the portal and the desk: checked before
anything is written, shown under their message, notes' files hidden from requesters."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hatrack.servicedesk.models import Attachment, TicketMessage
from hatrack.servicedesk.services.replies import reply_with_files

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%test file\n"


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_the_requester_replies_in_the_portal_with_a_screenshot(ticket, asker, client_for):
    client = client_for(asker)
    response = client.post(
        reverse("portal:ticket_reply", args=[ticket.pk]),
        {"body": "Here is the error.", "attachments": [upload("error.png", PNG, "image/png")]},
    )
    assert response.status_code == 302
    message = ticket.messages.get(body="Here is the error.")
    attachment = Attachment.objects.get()
    assert (attachment.message_id, attachment.filename) == (message.pk, "error.png")
    page = client.get(reverse("portal:ticket_detail", args=[ticket.pk])).content.decode()
    assert reverse("servicedesk:attachment_download", args=[attachment.pk]) in page


def test_the_portal_reply_box_offers_a_multiple_file_input(ticket, asker, client_for):
    page = client_for(asker).get(reverse("portal:ticket_detail", args=[ticket.pk])).content
    html = page.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "Attach files (optional)" in html
    assert 'type="file" name="attachments"' in html and "multiple" in html


def test_a_technician_writes_a_note_with_a_pdf_on_the_desk(ticket, technician, client_for):
    client = client_for(technician)
    response = client.post(
        reverse("servicedesk:ticket_reply", args=[ticket.pk]),
        {"body": "Warranty papers.", "internal": "on", "attachments": [upload("w.pdf", PDF)]},
    )
    assert response.status_code == 302
    note = ticket.messages.get(kind=TicketMessage.Kind.NOTE)
    attachment = Attachment.objects.get(message=note)
    page = client.get(reverse("servicedesk:ticket_detail", args=[ticket.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert reverse("servicedesk:attachment_download", args=[attachment.pk]) in page


def test_a_forbidden_file_refuses_the_whole_portal_reply(ticket, asker, client_for):
    before = ticket.messages.count()
    response = client_for(asker).post(
        reverse("portal:ticket_reply", args=[ticket.pk]),
        {
            "body": "Try this program.",
            "attachments": [upload("ok.png", PNG), upload("fix.exe", b"MZ\x90\x00")],
        },
    )
    assert response.status_code == 200
    assert "fix.exe is not a kind of file the service desk accepts" in response.content.decode()
    assert ticket.messages.count() == before
    assert not Attachment.objects.exists()


def test_a_forbidden_file_refuses_the_whole_desk_reply(ticket, technician, client_for):
    before = ticket.messages.count()
    response = client_for(technician).post(
        reverse("servicedesk:ticket_reply", args=[ticket.pk]),
        {"body": "Run this.", "attachments": [upload("fix.exe", b"MZ\x90\x00")]},
    )
    assert response.status_code == 400
    assert "fix.exe is not a kind of file" in response.content.decode()
    assert ticket.messages.count() == before
    assert not Attachment.objects.exists()


def test_the_service_checks_every_file_before_writing_anything(ticket, technician):
    before = ticket.messages.count()
    with pytest.raises(ValidationError, match=r"run\.exe"):
        reply_with_files(
            ticket=ticket,
            body="Both files.",
            by=technician,
            files=[("a.pdf", PDF, "application/pdf"), ("run.exe", b"MZ", "")],
        )
    assert ticket.messages.count() == before
    assert not Attachment.objects.exists()


def test_the_requester_cannot_download_a_file_on_an_internal_note(
    ticket, asker, technician, client_for
):
    note = reply_with_files(
        ticket=ticket,
        body="Serial number photo.",
        by=technician,
        files=[("serial.pdf", PDF, "application/pdf")],
        internal=True,
    )
    attachment = Attachment.objects.get(message=note)
    url = reverse("servicedesk:attachment_download", args=[attachment.pk])
    assert client_for(asker).get(url).status_code == 404
    assert client_for(technician).get(url).status_code == 200
    portal = client_for(asker).get(reverse("portal:ticket_detail", args=[ticket.pk]))
    assert "serial.pdf" not in portal.content.decode()
