import pytest

from hatrack.conftest import make_user
from hatrack.core.permissions import POLICY, can
from hatrack.core.roles import Role


@pytest.mark.django_db
def test_unknown_actions_are_refused_loudly():
    user = make_user(Role.LEADER)
    with pytest.raises(KeyError):
        can(user, "directory.destroy-everything")


@pytest.mark.django_db
def test_an_inactive_leader_can_do_nothing():
    user = make_user(Role.LEADER, is_active=False)
    assert not any(can(user, action) for action in POLICY)


@pytest.mark.django_db
def test_viewers_read_the_directory_but_cannot_change_it():
    user = make_user(Role.VIEWER)
    assert can(user, "directory.view")
    assert not can(user, "directory.change")


@pytest.mark.django_db
def test_staff_do_not_browse_the_directory():
    assert not can(make_user(Role.STAFF), "directory.view")
