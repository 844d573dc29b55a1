"""Forms of the account pages: sign-in, and the leader's account management."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.password_validation import password_validators_help_texts
from django.db.models import Q

from hatrack.accounts.models import User
from hatrack.core.roles import Role
from hatrack.directory.models import Person


class SignInForm(AuthenticationForm):
    """Username or email address, and password.

    An email address is turned into the account's username before authenticating,
    so brute-force protection (django-axes) counts failures per account either way.
    """

    username = forms.CharField(
        label="Username or email",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That username or email and password do not match an account. "
            "Check them and try again; passwords are case-sensitive."
        ),
        "inactive": "This account has been deactivated. Ask your technology leader.",
    }

    def clean_username(self) -> str:
        value = str(self.cleaned_data["username"]).strip()
        if "@" in value:
            matches = list(
                User.objects.filter(email__iexact=value).values_list("username", flat=True)[:2]
            )
            if len(matches) == 1:
                return matches[0]
        return value


def password_rules() -> str:
    """The password validators' rules as one sentence (Django gives them as HTML)."""
    return " ".join(password_validators_help_texts())


# The stubs make SetPasswordForm generic; at run time it is not, so it cannot be subscripted.
class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """Choosing a new password (after a reset link), with the rules in plain words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_rules()
        self.fields["new_password2"].label = "New password again"


class ChangePasswordForm(PasswordChangeForm, NewPasswordForm):
    """Changing one's password: the current one, then the new one twice."""

    field_order = ["old_password", "new_password1", "new_password2"]


class ResetPasswordForm(PasswordResetForm):
    """Django's reset form, also for accounts still waiting for their first password.

    Accounts created with "email a link" have no usable password until the owner
    picks one; when that first link has expired, "forgot password" must still work.
    """

    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email: str) -> Iterator[User]:
        yield from User.objects.filter(email__iexact=email.strip(), is_active=True)


class PersonLinkField(forms.CharField):
    """A directory person named by email address or SIS id (the directory is too big for a list)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Directory person")
        kwargs.setdefault(
            "help_text",
            "Optional: the email address or SIS id of this person's staff record in the "
            "directory, to link the account to it.",
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Person | None:
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        matches = list(
            Person.objects.staff().filter(Q(email__iexact=text) | Q(sis_id=text)).only("pk")[:2]
        )
        if not matches:
            raise forms.ValidationError(
                f"No staff member in the directory has the email address or SIS id “{text}”."
            )
        if len(matches) > 1:
            raise forms.ValidationError(
                f"More than one person matches “{text}”; use their SIS id instead."
            )
        return Person.objects.get(pk=matches[0].pk)


def person_reference(person: Person | None) -> str:
    """How a linked person is shown in the form again: their email, else their SIS id."""
    if person is None:
        return ""
    return person.email or person.sis_id


class AccountFieldsForm(forms.Form):
    first_name = forms.CharField(label="Given name", max_length=150, required=False)
    last_name = forms.CharField(label="Family name", max_length=150, required=False)
    email = forms.EmailField(
        label="Email",
        required=False,
        help_text="Used to sign in and to receive password reset links.",
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        help_text=(
            "Technology leader: everything, including accounts. Technician: the district's "
            "records. Staff: their own requests. Viewer: reads, changes nothing."
        ),
    )
    person = PersonLinkField()


class UserCreateForm(AccountFieldsForm):
    """A new account: its identity and role, and either a first password or an email link."""

    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="Letters, digits and @ . + - _ only. Cannot be changed later.",
    )
    field_order = ["username", "first_name", "last_name", "email", "role", "person"]
    password = forms.CharField(
        label="Initial password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    send_setup_email = forms.BooleanField(
        label="Email a link to choose a password instead",
        required=False,
        help_text="The link is sent to the email address above and works once.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = Role.STAFF
        self.fields[
            "password"
        ].help_text = f"{password_rules()} Leave it empty when emailing a link instead."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("send_setup_email"):
            if data.get("password"):
                self.add_error(
                    "password", "Leave the password empty when the owner chooses one by email."
                )
            if not data.get("email") and "email" not in self.errors:
                self.add_error("email", "An email address is needed to send the link.")
        elif not data.get("password") and "password" not in self.errors:
            self.add_error(
                "password", "Give an initial password, or choose to email a link instead."
            )
        return data


class UserEditForm(AccountFieldsForm):
    """An existing account: names, email, role, active flag and directory link."""

    is_active = forms.BooleanField(
        label="Active",
        required=False,
        help_text="Inactive accounts cannot sign in or use API tokens; their history stays.",
    )

    @classmethod
    def for_user(cls, user: User, data: Any = None) -> UserEditForm:
        initial = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": user.role,
            "is_active": user.is_active,
            "person": person_reference(user.person),
        }
        return cls(data=data, initial=initial)


class UserFilterForm(forms.Form):
    """The account list's filters. Invalid values are ignored, never an error page."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "All roles"), *Role.choices]
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Active and inactive"), ("active", "Active"), ("inactive", "Inactive")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": "Name, username or email"}
        )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
