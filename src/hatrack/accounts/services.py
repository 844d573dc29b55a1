"""Every change to an account: creating it, editing it, setting its password.

Each function is keyword-only, runs in one transaction and records an audit entry
through `hatrack.core.audit` (password hashes are never recorded: `User.audit_exclude`).
Rule violations raise `django.core.exceptions.ValidationError` with a message per field,
so a page can show them beside the fields and a command can print them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from hatrack.accounts.models import User
from hatrack.core import audit
from hatrack.core.roles import Role
from hatrack.directory.models import Person


def _check_unique(*, username: str, email: str, exclude_pk: int | None = None) -> None:
    """Usernames and email addresses are unique among accounts, ignoring case.

    Email must be unique because people may sign in with it.
    """
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    errors: dict[str, str] = {}
    if others.filter(username__iexact=username).exists():
        errors["username"] = f"An account with the username “{username}” already exists."
    if email and others.filter(email__iexact=email).exists():
        errors["email"] = f"Another account already uses the email address {email}."
    if errors:
        raise ValidationError(errors)


def _check_person(*, person: Person | None, exclude_pk: int | None = None) -> None:
    if person is None:
        return
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    linked = others.filter(person=person).first()
    if linked is not None:
        raise ValidationError(
            {"person": f"{person} is already linked to the account “{linked.username}”."}
        )


def create_user(
    *,
    username: str,
    email: str,
    role: Role | str,
    by: User | None,
    first_name: str = "",
    last_name: str = "",
    person: Person | None = None,
    password: str | None = None,
) -> User:
    """Create an account with the given role; audited as a create.

    Without a password the account has an unusable one until its owner sets one
    (see `send_password_setup_email`). The password is checked by the configured
    validators. Raises ValidationError for a taken username or email, a person
    already linked to another account, an unknown role or a weak password.
    """
    username, email = username.strip(), email.strip()
    if role not in Role.values:
        raise ValidationError({"role": f"“{role}” is not a role."})
    with transaction.atomic():
        _check_unique(username=username, email=email)
        _check_person(person=person)
        user = User(
            username=username,
            email=email,
            role=role,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            person=person,
        )
        if password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ValidationError({"password": exc.messages}) from exc
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        audit.record_create(user, by=by)
    return user


def _check_leaders_remain(*, user: User, role: str, is_active: bool, by: User | None) -> None:
    """A leader cannot demote or deactivate themselves, and the last leader cannot go."""
    stays_leader = role == Role.LEADER and is_active
    if stays_leader or user.role != Role.LEADER:
        return
    if by is not None and by.pk == user.pk:
        if not is_active:
            raise ValidationError({"is_active": "You cannot deactivate your own account."})
        raise ValidationError(
            {"role": "You cannot remove your own Technology leader role. Ask another leader."}
        )
    others = User.objects.filter(role=Role.LEADER, is_active=True).exclude(pk=user.pk)
    if not others.exists():
        raise ValidationError(
            "This is the last active Technology leader; make someone else a leader first."
        )


def update_user(
    *,
    user: User,
    by: User | None,
    role: Role | str,
    is_active: bool,
    first_name: str,
    last_name: str,
    email: str,
    person: Person | None,
) -> User:
    """Change an account's role, active flag, names, email or linked person; audited.

    Keeps at least one active Technology leader: a leader cannot remove their own
    leader role or deactivate themselves, and nobody can demote the last one.
    Nothing is written (and nothing audited) when nothing changed.
    """
    if role not in Role.values:
        raise ValidationError({"role": f"“{role}” is not a role."})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        email = email.strip()
        _check_unique(username=user.username, email=email, exclude_pk=user.pk)
        _check_person(person=person, exclude_pk=user.pk)
        _check_leaders_remain(user=user, role=str(role), is_active=is_active, by=by)
        before = audit.snapshot(user)
        user.role = role
        user.is_active = is_active
        user.first_name = first_name.strip()
        user.last_name = last_name.strip()
        user.email = email
        user.person = person
        user.full_clean(exclude=["password"])
        if audit.record_update(user, before, by=by) is not None:
            user.save()
    return user


def set_password(*, user: User, password: str, by: User | None) -> User:
    """Set a new password (already validated by the form or checked here); audited.

    The audit entry says that the password changed and who changed it, never the hash.
    """
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        _record_password_change(user=user, by=by)
    return user


def _record_password_change(*, user: User, by: User | None) -> None:
    # core.audit records field diffs, and the password is excluded from those on
    # purpose; this entry records the event itself, with no value in it.
    by_owner = by is not None and by.pk == user.pk
    audit.record_event(
        user,
        by=by,
        summary="Password changed by its owner" if by_owner else "Password set",
        changes={"password": ["(hidden)", "(changed)"]},
    )


def send_password_setup_email(*, user: User, site_url: str) -> None:
    """Email the account's owner a link to choose a password (sent once the transaction commits).

    `site_url` is the address people reach Hatrack at, e.g. "https://hatrack.example.org".
    The link is Django's one-time password-reset token, valid for PASSWORD_RESET_TIMEOUT.
    Raises ValidationError when the account has no email address.
    """
    if not user.email:
        raise ValidationError({"email": "The account needs an email address to be sent a link."})
    link = site_url.rstrip("/") + reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": link,
        "site_url": site_url,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    subject = render_to_string("accounts/emails/account_setup_subject.txt", context).strip()
    body = render_to_string("accounts/emails/account_setup_email.txt", context)
    recipient = user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))
