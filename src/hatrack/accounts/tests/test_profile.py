"""The profile page: one's own account, the password link and one's API tokens."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hatrack.accounts.tests.factories import make_token

PROFILE = reverse("accounts:profile")


@pytest.mark.parametrize("persona", ["leader", "technician", "staff", "viewer"], indirect=True)
def test_every_role_opens_its_own_profile(persona):
    name, client = persona
    html = client.get(PROFILE).content.decode()
    assert f"{name}-user" in html
    assert reverse("accounts:password_change") in html


def test_anonymous_visitors_are_sent_to_sign_in_from_the_profile(db):
    response = Client().get(PROFILE)
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_profile_shows_name_email_and_role(technician_client, technician):
    html = technician_client.get(PROFILE).content.decode()
    assert technician.get_full_name() in html
    assert technician.email in html
    assert "Technician" in html


def test_the_profile_lists_only_ones_own_tokens_with_a_revoke_form(
    technician_client, technician, staff
):
    token = make_token(technician, "Inventory script")
    make_token(staff, "Somebody else's")
    html = technician_client.get(PROFILE).content.decode()
    assert "Inventory script" in html
    assert token.prefix in html
    assert reverse("accounts:token_revoke", args=[token.pk]) in html
    assert "Somebody else" not in html


def test_revoked_and_expired_tokens_say_so_and_offer_no_revoke(viewer_client, viewer):
    revoked = make_token(viewer, "Old", revoked_at=timezone.now())
    expired = make_token(viewer, "Stale", expires_at=timezone.now() - datetime.timedelta(days=1))
    html = viewer_client.get(PROFILE).content.decode()
    assert "Revoked" in html
    assert "Expired" in html
    assert reverse("accounts:token_revoke", args=[revoked.pk]) not in html
    assert reverse("accounts:token_revoke", args=[expired.pk]) not in html


def test_without_tokens_the_profile_offers_to_create_one(staff_client):
    html = staff_client.get(PROFILE).content.decode()
    assert "No API tokens yet" in html
    assert reverse("accounts:token_create") in html
