"""Changing one's password, and resetting a forgotten one by email."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from hatrack.accounts.models import User
from hatrack.conftest import PASSWORD, make_user
from hatrack.core.models import AuditEntry
from hatrack.core.roles import Role

NEW_PASSWORD = "a much longer new secret 42"


def password_entries(user: User) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User),
            object_id=str(user.pk),
            changes__has_key="password",
        )
    )


def reset_link_from(mailoutbox) -> str:
    (message,) = mailoutbox
    match = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_viewer_changes_their_password_and_stays_signed_in(viewer, viewer_client):
    response = viewer_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    viewer.refresh_from_db()
    assert viewer.check_password(NEW_PASSWORD)
    assert viewer_client.get(reverse("accounts:profile")).status_code == 200


def test_a_password_change_is_audited_without_the_hash(viewer, viewer_client):
    viewer_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    (entry,) = password_entries(viewer)
    viewer.refresh_from_db()
    assert entry.actor == viewer
    assert viewer.password not in str(entry.changes)
    assert "pbkdf2" not in str(entry.changes)


def test_a_password_change_needs_the_current_password(staff, staff_client):
    response = staff_client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_a_weak_new_password_is_refused_in_words(staff, staff_client):
    response = staff_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert "too short" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in_before_changing_a_password(db):
    response = Client().get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_reset_request_emails_a_working_link_to_the_account(staff, mailoutbox):
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": staff.email.upper()})
    assert response["Location"] == reverse("accounts:password_reset_sent")
    assert mailoutbox[0].to == [staff.email]
    link = reset_link_from(mailoutbox)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
    assert len(password_entries(staff)) == 1


def test_a_reset_link_works_only_once(staff, mailoutbox):
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": staff.email})
    link = reset_link_from(mailoutbox)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = Client().get(link)
    assert "This link is not valid" in response.content.decode()


def test_a_reset_request_for_an_unknown_address_looks_the_same_and_sends_nothing(db, mailoutbox):
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_sent")
    assert mailoutbox == []


def test_a_deactivated_account_gets_no_reset_email(db, mailoutbox):
    user = make_user(Role.STAFF, is_active=False)
    Client().post(reverse("accounts:password_reset"), {"email": user.email})
    assert mailoutbox == []


def test_the_reset_sent_page_does_not_say_whether_the_address_exists(db):
    html = Client().get(reverse("accounts:password_reset_sent")).content.decode()
    assert "If an active account uses that address" in html


def test_a_forged_reset_link_shows_a_way_to_ask_for_a_new_one(staff):
    response = Client().get(reverse("accounts:password_reset_confirm", args=["MQ", "not-a-token"]))
    assert response.status_code == 200
    assert reverse("accounts:password_reset") in response.content.decode()


def test_an_account_waiting_for_its_first_password_can_use_forgot_password(db, mailoutbox):
    user = User.objects.create_user(username="newcomer", email="newcomer@example.org")
    assert not user.has_usable_password()
    Client().post(reverse("accounts:password_reset"), {"email": user.email})
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "page", ["password_reset", "password_reset_sent", "password_reset_complete"]
)
def test_the_reset_pages_open_for_anonymous_visitors(db, page):
    assert Client().get(reverse(f"accounts:{page}")).status_code == 200


def test_the_password_rules_are_shown_in_words_not_as_markup(staff_client):
    html = staff_client.get(reverse("accounts:password_change")).content.decode()
    assert "must contain at least 10 characters" in html
    assert "&lt;ul&gt;" not in html
