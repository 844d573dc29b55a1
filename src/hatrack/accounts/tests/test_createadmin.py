"""`hatrack createadmin`: the first Technology leader, made from the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from hatrack.accounts.models import User
from hatrack.conftest import make_user
from hatrack.core.models import AuditEntry
from hatrack.core.roles import Role

STRONG = "a very long admin passphrase"


def run(*args: str, **env: str) -> str:
    out = io.StringIO()
    call_command("createadmin", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_createadmin_makes_a_technology_leader_with_the_given_password():
    output = run("--username", "chief", "--email", "chief@example.org", "--password", STRONG)
    user = User.objects.get(username="chief")
    assert user.role == Role.LEADER
    assert user.check_password(STRONG)
    assert "Created the Technology leader account “chief”" in output


@pytest.mark.django_db
def test_createadmin_reads_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("HATRACK_ADMIN_PASSWORD", STRONG)
    run("--username", "chief", "--email", "chief@example.org", "--no-input")
    assert User.objects.get(username="chief").check_password(STRONG)


@pytest.mark.django_db
def test_createadmin_is_audited_as_done_by_the_system():
    run("--username", "chief", "--email", "chief@example.org", "--password", STRONG)
    entry = AuditEntry.objects.get(action="create")
    assert entry.actor is None
    assert entry.actor_name == "system"


@pytest.mark.django_db
def test_createadmin_fails_clearly_when_the_username_exists(monkeypatch):
    make_user(Role.STAFF, username="chief")
    with pytest.raises(CommandError, match="already exists"):
        run("--username", "chief", "--email", "new@example.org", "--password", STRONG)
    assert User.objects.get(username="chief").role == Role.STAFF


@pytest.mark.django_db
def test_createadmin_without_a_password_and_without_a_terminal_fails(monkeypatch):
    monkeypatch.delenv("HATRACK_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="No password given"):
        run("--username", "chief", "--email", "chief@example.org", "--no-input")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_createadmin_prompts_for_the_password_at_a_terminal(monkeypatch):
    monkeypatch.delenv("HATRACK_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: STRONG)
    run("--username", "chief", "--email", "chief@example.org")
    assert User.objects.get(username="chief").check_password(STRONG)


@pytest.mark.django_db
def test_createadmin_refuses_a_weak_password(monkeypatch):
    with pytest.raises(CommandError, match="too short"):
        run("--username", "chief", "--email", "chief@example.org", "--password", "short")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_createadmin_runs_through_the_hatrack_command(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "HATRACK_DATA_DIR": str(tmp_path), "HATRACK_ADMIN_PASSWORD": STRONG}
    env.pop("DATABASE_URL", None)
    hatrack = [sys.executable, "-m", "hatrack.cli"]
    subprocess.run([*hatrack, "migrate", "--no-input", "-v0"], env=env, check=True)
    args = ["createadmin", "--username", "chief", "--email", "c@example.org", "--no-input"]
    first = subprocess.run([*hatrack, *args], env=env, capture_output=True, text=True)
    again = subprocess.run([*hatrack, *args], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert again.returncode == 1
    assert "already exists" in again.stderr
