"""Attachments: hostile files are refused before anything is written; downloads are
only downloads, only for those who may read the ticket."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hatrack.conftest import make_user
from hatrack.servicedesk.models import Attachment, TicketMessage
from hatrack.servicedesk.services.attachments import (
    add_attachment,
    check_attachment,
    check_attachments,
    safe_filename,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n%test\n"


def attach(ticket, filename="screen.png", content=PNG, message=None, by=None):
    checked = check_attachment(filename=filename, content=content)
    return add_attachment(ticket=ticket, message=message, checked=checked, by=by)


def test_a_screenshot_is_accepted_with_its_type_size_and_digest():
    checked = check_attachment(filename="screen.png", content=PNG, declared_type="text/html")
    assert checked.content_type == "image/png"
    assert checked.size == len(PNG)
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    "name", ["run.exe", "page.html", "logo.svg", "macro.js", "archive.zip", "noextension"]
)
def test_active_content_and_unknown_types_are_refused(name):
    with pytest.raises(ValidationError, match="not a kind of file"):
        check_attachment(filename=name, content=b"MZ\x90\x00")


def test_a_file_whose_bytes_contradict_its_name_is_refused():
    with pytest.raises(ValidationError, match="does not contain what its name says"):
        check_attachment(filename="photo.jpg", content=b"<script>alert(1)</script>")


def test_a_text_file_with_binary_content_is_refused():
    with pytest.raises(ValidationError, match="does not contain"):
        check_attachment(filename="notes.txt", content=b"MZ\x00\x00binary")


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="is empty"):
        check_attachment(filename="notes.txt", content=b"")


def test_a_file_over_the_limit_is_refused_in_words(settings):
    settings.HATRACK_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        check_attachment(filename="big.pdf", content=PDF + b"x" * 2000)
    assert "files can be at most 1.0\xa0KB" in refused.value.messages[0]


def test_several_files_are_checked_together_and_every_problem_is_named():
    with pytest.raises(ValidationError) as refused:
        check_attachments(
            [("ok.png", PNG, "image/png"), ("bad.exe", b"MZ", ""), ("x.txt", b"", "")]
        )
    assert len(refused.value.messages) == 2
    assert any("bad.exe" in m for m in refused.value.messages)


def test_too_many_files_at_once_are_refused(settings):
    settings.HATRACK_ATTACHMENTS_PER_MESSAGE = 2
    with pytest.raises(ValidationError, match="at most 2 files"):
        check_attachments([("a.png", PNG, "")] * 3)


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ("screen\x00shot.png", "screenshot.png"),
        ("<img onerror=x>.png", "img onerror_x_.png"),
        ("", "attachment"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_file_names_are_reduced_to_a_safe_base_name(given, safe):
    assert safe_filename(given) == safe


def test_a_stored_file_keeps_its_name_for_display_but_not_on_disk(ticket, technician):
    attachment = attach(ticket, filename="Projector photo.png", by=technician)
    assert attachment.filename == "Projector photo.png"
    assert "Projector" not in attachment.file.name
    assert attachment.file.name.startswith("attachments/")
    with attachment.file.open("rb") as stored:
        assert stored.read() == PNG


def test_the_requester_downloads_their_attachment_as_a_file_never_inline(ticket, asker, client_for):
    attachment = attach(ticket)
    response = client_for(asker).get(
        reverse("servicedesk:attachment_download", args=[attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PNG


def test_another_staff_member_cannot_download_it(ticket, client_for):
    attachment = attach(ticket)
    other = make_user("staff", username="someone-else")
    response = client_for(other).get(
        reverse("servicedesk:attachment_download", args=[attachment.pk])
    )
    assert response.status_code == 404


def test_a_file_on_an_internal_note_is_hidden_from_the_requester(
    ticket, asker, technician, client_for
):
    note = TicketMessage.objects.create(
        ticket=ticket, author=technician, kind=TicketMessage.Kind.NOTE, body="Serial photo"
    )
    attachment = attach(ticket, message=note, by=technician)
    url = reverse("servicedesk:attachment_download", args=[attachment.pk])
    assert client_for(asker).get(url).status_code == 404
    assert client_for(technician).get(url).status_code == 200


def test_a_message_of_another_ticket_cannot_carry_the_file(ticket, queue, teacher):
    from hatrack.servicedesk.tests.factories import make_ticket

    other = make_ticket(queue=queue, requester=teacher)
    message = TicketMessage.objects.create(ticket=other, body="Hello")
    with pytest.raises(ValidationError, match="another ticket"):
        attach(ticket, message=message)
    assert not Attachment.objects.exists()


def test_a_day_old_file_no_attachment_records_is_swept_away(ticket, settings):
    import os
    import time
    from pathlib import Path

    from hatrack.servicedesk.services.attachments import remove_orphan_files

    kept = attach(ticket)
    folder = Path(settings.MEDIA_ROOT) / "attachments" / "2026" / "11"
    folder.mkdir(parents=True, exist_ok=True)
    orphan, fresh = folder / "orphan.png", folder / "fresh.png"
    orphan.write_bytes(PNG)
    fresh.write_bytes(PNG)
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(orphan, (day_ago, day_ago))
    os.utime(kept.file.path, (day_ago, day_ago))
    assert remove_orphan_files() == 1
    assert not orphan.exists()
    assert fresh.exists()  # its transaction may still be running
    assert Path(kept.file.path).exists()
