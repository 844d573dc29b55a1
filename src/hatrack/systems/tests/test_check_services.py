"""Adding and changing checks: validated (the guard against internal addresses included),
audited, and scheduled at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from hatrack.core.models import AuditEntry
from hatrack.systems.models import Check, CheckState, Outage
from hatrack.systems.services.checks import (
    create_check,
    run_check_now,
    set_check_enabled,
    update_check,
)
from hatrack.systems.tests.factories import make_check, make_system

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def http_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "SIS login page",
        "kind": "http",
        "target": "https://93.184.215.14/",
    }
    fields.update(overrides)
    return fields


def test_a_new_check_is_saved_audited_and_due_at_once(leader: Any) -> None:
    check = create_check(system=make_system(), by=leader, fields=http_fields(), now=NOW)

    assert check.next_run_at == NOW
    assert AuditEntry.objects.filter(object_id=str(check.pk), action="create").exists()


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://192.168.1.10/admin",
    ],
)
def test_a_check_against_an_internal_address_is_refused_naming_the_setting(
    leader: Any, target: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        create_check(system=make_system(), by=leader, fields=http_fields(target=target))

    assert "HATRACK_CHECKS_INTERNAL_NETWORKS" in refused.value.message_dict["target"][0]
    assert not Check.objects.exists()


def test_an_internal_address_is_allowed_in_a_network_the_administrator_lists(
    leader: Any, settings: Any
) -> None:
    settings.HATRACK_CHECKS_INTERNAL_NETWORKS = ["192.168.1.0/24"]

    check = create_check(
        system=make_system(), by=leader, fields=http_fields(target="http://192.168.1.10/")
    )

    assert check.pk


def test_only_http_and_https_addresses_are_accepted(leader: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        create_check(
            system=make_system(), by=leader, fields=http_fields(target="file:///etc/passwd")
        )

    assert refused.value.message_dict["target"] == [
        "Only http:// and https:// addresses can be checked."
    ]


def test_bad_settings_are_refused_beside_their_fields(leader: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        create_check(
            system=make_system(),
            by=leader,
            fields=http_fields(expected="2xx", timeout_seconds=90),
        )
    errors = refused.value.message_dict
    assert "expected" in errors
    assert "timeout_seconds" in errors

    with pytest.raises(ValidationError) as refused:
        create_check(
            system=make_system(),
            by=leader,
            fields={"name": "Firewall SSH", "kind": "tcp", "target": "93.184.215.14"},
        )
    assert refused.value.message_dict["port"] == ["A TCP check needs a port."]


def test_a_dns_check_is_not_refused_for_the_name_it_looks_up(leader: Any) -> None:
    check = create_check(
        system=make_system(),
        by=leader,
        fields={
            "name": "Intranet DNS",
            "kind": "dns",
            "target": "localhost",
            "expected": "127.0.0.1",
        },
    )
    assert check.pk


def test_changing_a_check_is_audited_and_runs_it_again(leader: Any) -> None:
    check = make_check(target="https://93.184.215.14/")

    update_check(check=check, by=leader, fields={"interval_seconds": 300}, now=NOW)

    check.refresh_from_db()
    assert check.interval_seconds == 300
    assert check.next_run_at == NOW
    entry = AuditEntry.objects.get(object_id=str(check.pk), action="update")
    assert entry.changes["interval_seconds"] == [60, 300]


def test_an_unchanged_check_is_refused_when_its_target_turns_internal(leader: Any) -> None:
    check = make_check(target="https://93.184.215.14/")

    with pytest.raises(ValidationError):
        update_check(check=check, by=leader, fields={"target": "http://10.0.0.1/"})

    check.refresh_from_db()
    assert check.target == "https://93.184.215.14/"


def test_turning_a_check_off_ends_its_open_outage(leader: Any) -> None:
    check = make_check(target="https://93.184.215.14/", state=CheckState.DOWN)
    Outage.objects.create(check_ref=check, system=check.system, started_at=NOW, detected_at=NOW)

    set_check_enabled(check=check, by=leader, enabled=False, now=NOW)

    check.refresh_from_db()
    assert check.state == CheckState.UNKNOWN
    assert check.next_run_at is None
    assert Outage.objects.get().ended_at == NOW


def test_run_now_makes_the_check_due_and_is_recorded(leader: Any) -> None:
    check = make_check(
        target="https://93.184.215.14/", next_run_at=datetime(2026, 3, 2, 9, tzinfo=UTC)
    )

    run_check_now(check=check, by=leader, now=NOW)

    check.refresh_from_db()
    assert check.next_run_at == NOW
    assert AuditEntry.objects.filter(object_id=str(check.pk), summary="Asked to run now").exists()
