"""Adding, changing, turning on and off, and running health checks.

Each function validates (the model's rules, the accepted statuses, a port where one is
needed, and the guard against internal addresses), writes in one transaction and records
the audit entry. Invalid input raises ValidationError with a message per field and
writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from hatrack.core.audit import record_create, record_event, record_update, snapshot
from hatrack.systems.checks import guard
from hatrack.systems.checks.probes import parse_statuses
from hatrack.systems.models import Check, CheckKind, CheckState, Outage, System
from hatrack.systems.services.states import refresh_system_states

if TYPE_CHECKING:
    from hatrack.accounts.models import User

EDITABLE = (
    "name",
    "kind",
    "target",
    "port",
    "expected",
    "must_contain",
    "must_not_contain",
    "dns_record_type",
    "tls_warn_days",
    "interval_seconds",
    "timeout_seconds",
    "retries",
    "failures_to_confirm",
    "degrades_only",
    "enabled",
)
MAX_RETRIES = 5


def validate_check(check: Check) -> None:
    """The model's rules plus what a probe needs; ValidationError per field."""
    check.target = check.target.strip()
    errors: dict[str, str] = _model_errors(check)
    if check.kind == CheckKind.HTTP:
        try:
            parse_statuses(check.expected)
        except ValueError as error:
            errors["expected"] = f"Give status codes or ranges like 200-299,301 ({error})."
    if check.kind == CheckKind.TCP and not check.port:
        errors["port"] = "A TCP check needs a port."
    if check.kind in (CheckKind.DNS, CheckKind.TLS, CheckKind.TCP) and "/" in check.target:
        errors["target"] = "Give a host name, without http:// or a path."
    if check.retries > MAX_RETRIES:
        errors["retries"] = f"At most {MAX_RETRIES} retries."
    if "timeout_seconds" not in errors and check.timeout_seconds > check.interval_seconds:
        errors["timeout_seconds"] = "The timeout cannot be longer than the interval."
    if "target" not in errors and check.target:
        try:
            guard.check_target_at_save(kind=check.kind, target=check.target, port=check.port)
        except guard.TargetRefused as refused:
            errors["target"] = str(refused)
    if errors:
        raise ValidationError(errors)


# The model's constraints, shown beside the field they are about.
CONSTRAINT_FIELDS = {
    "check_target_required": "target",
    "check_interval_positive": "interval_seconds",
    "check_timeout_range": "timeout_seconds",
    "check_confirm_positive": "failures_to_confirm",
}


def _model_errors(check: Check) -> dict[str, str]:
    try:
        check.full_clean(exclude=["system"] if check.system_id else None)
    except ValidationError as invalid:
        by_message = {
            str(c.violation_error_message): CONSTRAINT_FIELDS.get(c.name, NON_FIELD_ERRORS)
            for c in Check._meta.constraints
        }
        errors: dict[str, str] = {}
        for field, messages in invalid.message_dict.items():
            for message in messages:
                errors.setdefault(by_message.get(message, field), message)
        return errors
    return {}


def _apply(check: Check, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(check, name, value)


def create_check(
    *, system: System, by: User | None, fields: Mapping[str, Any], now: datetime | None = None
) -> Check:
    """Add a check to `system`; it runs for the first time within a second or so."""
    check = Check(system=system)
    _apply(check, fields)
    validate_check(check)
    with transaction.atomic():
        check.next_run_at = now or timezone.now()
        check.save()
        record_create(check, by=by)
        refresh_system_states([system.pk], now=now)
    return check


def update_check(
    *, check: Check, by: User | None, fields: Mapping[str, Any], now: datetime | None = None
) -> Check:
    """Change a check's settings; it runs again at once with them."""
    now = now or timezone.now()
    before = snapshot(check)
    _apply(check, fields)
    validate_check(check)
    with transaction.atomic():
        check.next_run_at = now if check.enabled else None
        check.save()
        record_update(check, before, by=by)
        if not check.enabled:
            _stand_down(check, now)
        refresh_system_states([check.system_id], now=now)
    return check


def set_check_enabled(
    *, check: Check, by: User | None, enabled: bool, now: datetime | None = None
) -> Check:
    """Turn a check on (it runs at once) or off (its open outage ends; it is not run)."""
    return update_check(check=check, by=by, fields={"enabled": enabled}, now=now)


def _stand_down(check: Check, now: datetime) -> None:
    """A check turned off no longer says anything: its open outage ends now."""
    Outage.objects.filter(check_ref=check, ended_at__isnull=True).update(ended_at=now)
    Check.objects.filter(pk=check.pk).update(
        state=CheckState.UNKNOWN, consecutive_failures=0, failing_since=None, lease_until=None
    )
    check.state = CheckState.UNKNOWN


def run_check_now(*, check: Check, by: User | None, now: datetime | None = None) -> Check:
    """Ask the check loop to run the check at once (within about a second). The slot grid
    restarts from now."""
    if not check.enabled:
        raise ValidationError("This check is turned off; turn it on to run it.")
    now = now or timezone.now()
    with transaction.atomic():
        Check.objects.filter(pk=check.pk).update(next_run_at=now)
        check.next_run_at = now
        record_event(check, by=by, summary="Asked to run now")
    return check
