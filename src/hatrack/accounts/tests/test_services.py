"""accounts.services: creating and changing accounts, always audited, always a leader left."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from hatrack.accounts import services
from hatrack.accounts.models import User
from hatrack.conftest import PASSWORD, make_user
from hatrack.core.models import AuditEntry
from hatrack.core.roles import Role
from hatrack.directory.models import Person
from hatrack.directory.tests.factories import make_person


def entries_for(user: User) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        ).order_by("id")
    )


def edit(user: User, by: User, **changes: object) -> User:
    values = {
        "role": user.role,
        "is_active": user.is_active,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "person": user.person,
    }
    values.update(changes)
    return services.update_user(user=user, by=by, **values)


def test_creating_an_account_records_who_created_it_and_never_the_hash(leader):
    user = services.create_user(
        username="jdoe", email="jdoe@example.org", role=Role.TECHNICIAN, by=leader,
        password="plenty long password 9",
    )  # fmt: skip
    (entry,) = entries_for(user)
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == leader
    assert entry.changes["role"] == Role.TECHNICIAN
    assert "password" not in entry.changes
    assert user.password not in str(entry.changes)


def test_an_account_created_without_a_password_cannot_sign_in_until_one_is_set(leader):
    user = services.create_user(username="jdoe", email="j@example.org", role="staff", by=leader)
    assert not user.has_usable_password()


def test_usernames_are_unique_ignoring_case(leader):
    with pytest.raises(ValidationError) as error:
        services.create_user(username=leader.username.upper(), email="", role="staff", by=leader)
    assert "username" in error.value.message_dict


def test_email_addresses_are_unique_among_accounts_because_people_sign_in_with_them(leader):
    with pytest.raises(ValidationError) as error:
        services.create_user(username="other", email=leader.email, role="staff", by=leader)
    assert "email" in error.value.message_dict


def test_a_weak_first_password_is_refused(leader):
    with pytest.raises(ValidationError) as error:
        services.create_user(
            username="jdoe", email="", role="staff", by=leader, password="password"
        )
    assert "password" in error.value.message_dict
    assert not User.objects.filter(username="jdoe").exists()


def test_a_directory_person_links_to_one_account_only(leader, technician):
    person = make_person(role=Person.Role.STAFF, email="t@example.org")
    edit(technician, leader, person=person)
    with pytest.raises(ValidationError) as error:
        services.create_user(username="x", email="", role="staff", by=leader, person=person)
    assert "already linked" in error.value.message_dict["person"][0]


def test_changing_a_role_records_before_and_after(leader, staff):
    edit(staff, leader, role=Role.TECHNICIAN)
    entry = entries_for(staff)[-1]
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.changes == {"role": [Role.STAFF, Role.TECHNICIAN]}


def test_saving_without_changes_records_nothing(leader, staff):
    edit(staff, leader)
    assert entries_for(staff) == []


def test_a_leader_cannot_remove_their_own_leader_role(leader):
    make_user(Role.LEADER, username="second-leader")
    with pytest.raises(ValidationError) as error:
        edit(leader, leader, role=Role.TECHNICIAN)
    assert "role" in error.value.message_dict
    leader.refresh_from_db()
    assert leader.role == Role.LEADER


def test_a_leader_cannot_deactivate_themselves(leader):
    with pytest.raises(ValidationError) as error:
        edit(leader, leader, is_active=False)
    assert "is_active" in error.value.message_dict


def test_the_last_active_leader_cannot_be_demoted_by_anyone(leader):
    with pytest.raises(ValidationError):
        edit(leader, None, role=Role.VIEWER)


def test_a_leader_can_demote_another_leader(leader):
    other = make_user(Role.LEADER, username="other-leader")
    edit(other, leader, role=Role.VIEWER)
    other.refresh_from_db()
    assert other.role == Role.VIEWER


def test_deactivating_an_account_keeps_it_and_its_history(leader, staff):
    edit(staff, leader, is_active=False)
    staff.refresh_from_db()
    assert not staff.is_active
    assert entries_for(staff)[-1].changes == {"is_active": [True, False]}


def test_setting_a_password_records_the_event_but_no_value(leader, staff):
    services.set_password(user=staff, password="a brand new passphrase", by=leader)
    staff.refresh_from_db()
    assert staff.check_password("a brand new passphrase")
    (entry,) = entries_for(staff)
    assert entry.actor == leader
    assert entry.summary == "Password set"
    assert staff.password not in str(entry.changes)


def test_setting_a_weak_password_changes_nothing(staff):
    with pytest.raises(ValidationError):
        services.set_password(user=staff, password="abc", by=staff)
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_a_setup_email_is_sent_once_the_account_is_saved(
    leader, mailoutbox, django_capture_on_commit_callbacks
):
    user = services.create_user(username="jdoe", email="j@example.org", role="staff", by=leader)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_password_setup_email(user=user, site_url="https://hatrack.example.org/")
    (message,) = mailoutbox
    assert message.to == ["j@example.org"]
    assert "https://hatrack.example.org/accounts/reset/" in message.body
    assert "jdoe" in message.body


def test_a_setup_email_needs_an_email_address(leader):
    user = services.create_user(username="jdoe", email="", role="staff", by=leader)
    with pytest.raises(ValidationError):
        services.send_password_setup_email(user=user, site_url="https://hatrack.example.org")
