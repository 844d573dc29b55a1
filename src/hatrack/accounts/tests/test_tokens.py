"""API tokens: creating one shows its key once, revoking stops it, both are audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hatrack.accounts.models import ApiToken
from hatrack.accounts.tokens import create_api_token, revoke_api_token, user_for_key
from hatrack.conftest import make_user
from hatrack.core.audit import history_of
from hatrack.core.models import AuditEntry

pytestmark = pytest.mark.django_db


# --- The services -------------------------------------------------------------------------


def test_a_new_key_works_for_its_user(viewer):
    _, key = create_api_token(user=viewer, name="SIS sync", by=viewer)
    assert key.startswith("htk_")
    assert user_for_key(key) == viewer


def test_a_token_keeps_the_first_characters_of_its_key_to_recognise_it(viewer):
    token, key = create_api_token(user=viewer, name="SIS sync", by=viewer)
    assert token.prefix == key[:8]


def test_creating_a_token_is_audited_without_its_hash(viewer):
    token, _ = create_api_token(user=viewer, name="SIS sync", by=viewer)
    (entry,) = history_of(token)
    assert entry.action == AuditEntry.Action.CREATE
    assert "key_hash" not in entry.changes


def test_a_token_needs_a_name(viewer):
    with pytest.raises(ValidationError) as error:
        create_api_token(user=viewer, name="   ", by=viewer)
    assert "name" in error.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_token_cannot_expire_in_the_past(viewer):
    with pytest.raises(ValidationError) as error:
        create_api_token(
            user=viewer,
            name="late",
            expires_at=timezone.now() - datetime.timedelta(hours=1),
            by=viewer,
        )
    assert "expires_at" in error.value.message_dict


def test_revoking_a_token_is_audited(viewer, leader):
    token, _ = create_api_token(user=viewer, name="SIS sync", by=viewer)
    revoke_api_token(token=token, by=leader)
    entry = history_of(token)[0]
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.actor_name == leader.username


def test_revoking_a_revoked_token_changes_nothing(viewer):
    token, _ = create_api_token(user=viewer, name="SIS sync", by=viewer)
    revoke_api_token(token=token, by=viewer)
    first = token.revoked_at
    revoke_api_token(token=ApiToken.objects.get(pk=token.pk), by=viewer)
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first
    assert len(history_of(token)) == 2


def test_a_key_without_the_prefix_is_not_looked_up(viewer, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert user_for_key("some-other-key") is None


# --- The pages -------------------------------------------------------------------------------


def test_the_create_page_has_a_labelled_name_field(viewer_client):
    response = viewer_client.get(reverse("accounts:token_create"))
    assert response.status_code == 200
    assert b'<label for="id_name">' in response.content


def test_a_new_token_is_shown_once_and_then_only_its_prefix(viewer, viewer_client):
    response = viewer_client.post(
        reverse("accounts:token_create"), {"name": "SIS sync", "expires": "90"}
    )
    assert response.status_code == 200
    key = response.context["key"]
    assert key.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    profile = viewer_client.get(reverse("accounts:profile"))
    assert key.encode() not in profile.content
    assert key[:8].encode() in profile.content
    assert user_for_key(key) == viewer


def test_a_new_token_expires_when_chosen(viewer, viewer_client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    viewer_client.post(reverse("accounts:token_create"), {"name": "Report", "expires": "30"})
    token = ApiToken.objects.get(user=viewer)
    assert token.expires_at == datetime.datetime(2026, 4, 1, 9, 0, tzinfo=datetime.UTC)


def test_a_token_may_be_made_to_never_expire(viewer, viewer_client):
    viewer_client.post(reverse("accounts:token_create"), {"name": "Kiosk", "expires": "never"})
    assert ApiToken.objects.get(user=viewer).expires_at is None


def test_a_token_without_a_name_is_refused_in_words(viewer_client):
    response = viewer_client.post(reverse("accounts:token_create"), {"name": "", "expires": "90"})
    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert not ApiToken.objects.exists()


def test_signing_in_is_needed_to_create_a_token():
    response = Client().get(reverse("accounts:token_create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_user_revokes_their_own_token(viewer, viewer_client):
    token, key = create_api_token(user=viewer, name="SIS sync", by=viewer)
    response = viewer_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert user_for_key(key) is None


def test_revoking_needs_a_post(viewer, viewer_client):
    token, key = create_api_token(user=viewer, name="SIS sync", by=viewer)
    response = viewer_client.get(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 405
    assert user_for_key(key) == viewer


@pytest.mark.parametrize("role", ["technician", "staff", "viewer"])
def test_nobody_but_a_leader_revokes_someone_elses_token(role, viewer, client_for):
    token, key = create_api_token(user=viewer, name="SIS sync", by=viewer)
    other = make_user(role, username=f"other-{role}")
    response = client_for(other).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert user_for_key(key) == viewer


def test_a_leader_revokes_someone_elses_token(viewer, leader_client):
    token, key = create_api_token(user=viewer, name="SIS sync", by=viewer)
    response = leader_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response["Location"] == reverse("accounts:user_edit", args=[viewer.pk])
    assert user_for_key(key) is None
