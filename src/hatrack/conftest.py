"""Shared fixtures: the personas every permission test runs through, and a small district."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from hatrack.accounts.models import User
from hatrack.core.roles import Role

PASSWORD = "correct horse battery staple"
PERSONAS = ("leader", "technician", "staff", "viewer", "outsider")


def make_user(role: str, username: str | None = None, **extra: object) -> User:
    username = username or f"{role}-user"
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.org",
        role=role,
        first_name=role.title(),
        last_name="Persona",
        **extra,
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Real hashing costs half a second a user; tests prove behaviour, not key stretching."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def uploads_stay_in_a_temporary_folder(
    settings: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Files tests store (ticket attachments) never land in the checkout's data folder."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture
def leader(db: None) -> User:
    return make_user(Role.LEADER)


@pytest.fixture
def technician(db: None) -> User:
    return make_user(Role.TECHNICIAN)


@pytest.fixture
def staff(db: None) -> User:
    return make_user(Role.STAFF)


@pytest.fixture
def viewer(db: None) -> User:
    return make_user(Role.VIEWER)


@pytest.fixture
def client_for(db: None) -> Callable[[User | None], Client]:
    """A test client signed in as the given user, or anonymous for None (the outsider)."""

    def build(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return build


@pytest.fixture
def persona(
    request: pytest.FixtureRequest, db: None, client_for: Callable[[User | None], Client]
) -> tuple[str, Client]:
    """Parametrize with indirect=True over PERSONAS to run a test as each of them."""
    name = request.param
    user = None if name == "outsider" else make_user(name)
    return name, client_for(user)


@pytest.fixture
def leader_client(leader: User, client_for: Callable[[User | None], Client]) -> Client:
    return client_for(leader)


@pytest.fixture
def technician_client(technician: User, client_for: Callable[[User | None], Client]) -> Client:
    return client_for(technician)


@pytest.fixture
def staff_client(staff: User, client_for: Callable[[User | None], Client]) -> Client:
    return client_for(staff)


@pytest.fixture
def viewer_client(viewer: User, client_for: Callable[[User | None], Client]) -> Client:
    return client_for(viewer)


@pytest.fixture(scope="session")
def demo_district(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    """The whole demo district, loaded once for every test module that reads it and erased
    at the end. Those tests run last (pytest_collection_modifyitems), so no other test
    sees it; each of them runs in a transaction that is rolled back, so none changes it."""
    from django.core.management import call_command

    from hatrack.demo import load_demo

    with django_db_blocker.unblock():
        yield load_demo()
        call_command("flush", interactive=False, verbosity=0)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the tests on the demo district to the end (a stable sort keeps their order)."""
    items.sort(key=lambda item: "demo_district" in getattr(item, "fixturenames", ()))
