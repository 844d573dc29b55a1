"""The desk's mail pages for leaders: mailboxes (list, add, edit, test the connection),
the log of mail received and the log of notices sent (with sending failed ones again)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from hatrack.core.lists import count_label, keyset_page
from hatrack.core.permissions import requires
from hatrack.servicedesk.models import InboundMail, Mailbox, OutboundMail, Queue
from hatrack.servicedesk.services import mailboxes as services

if TYPE_CHECKING:
    from hatrack.accounts.models import User

MAILBOX_ORDER = ("name", "id")
LOG_ORDER_INBOUND = ("-received_at", "-id")
LOG_ORDER_OUTBOUND = ("-created_at", "-id")
KEEP_SECRET = "Leave blank to keep the one stored."  # noqa: S105 - help text, not a secret


def _by(request: HttpRequest) -> User:
    return cast("User", request.user)


# --- Forms ---------------------------------------------------------------------------------


class MailboxForm(forms.ModelForm):  # type: ignore[type-arg]
    """A mailbox's settings; secrets are write-only (never shown, blank keeps them)."""

    oauth_token_url = forms.URLField(
        label="OAuth token URL",
        required=False,
        assume_scheme="https",
        help_text="For Microsoft 365: https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token",
    )

    class Meta:
        model = Mailbox
        fields = list(services.EDITABLE_FIELDS)
        widgets = {
            "password": forms.PasswordInput(render_value=False),
            "oauth_client_secret": forms.PasswordInput(render_value=False),
            "oauth_refresh_token": forms.PasswordInput(render_value=False),
        }
        labels = {
            "oauth_client_id": "OAuth client id",
            "oauth_client_secret": "OAuth client secret",
            "oauth_refresh_token": "OAuth refresh token",
            "oauth_scope": "OAuth scope",
            "active": "Poll this mailbox",
        }
        help_texts = {
            "queue": "Mail to this mailbox opens tickets in this queue.",
            "port": "993 for SSL/TLS, 143 for STARTTLS.",
            "auth": "Microsoft 365 and Google Workspace require OAuth 2.0.",
            "oauth_scope": (
                "For Microsoft 365: https://outlook.office.com/IMAP.AccessAsUser.All offline_access"
            ),
            "folder": "The folder new mail arrives in, usually INBOX.",
        }
        error_messages = {"name": {"unique": "Another mailbox already has this name."}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        editing = kwargs.get("instance") is not None
        if editing:  # validate a copy, so a refused form never alters the caller's record
            kwargs["instance"] = copy.copy(kwargs["instance"])
        super().__init__(*args, **kwargs)
        queue_field = cast("forms.ModelChoiceField[Queue]", self.fields["queue"])
        queue_field.queryset = Queue.objects.filter(active=True).only("id", "name")
        for name in services.SECRET_FIELDS:
            field = self.fields[name]
            field.required = False
            if editing and getattr(self.instance, name):
                field.help_text = f"A value is stored. {KEEP_SECRET}"

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in services.EDITABLE_FIELDS}


class LogFilterForm(forms.Form):
    """Filters of a mail log: what became of the mail, and (received mail) which mailbox."""

    status = forms.ChoiceField(required=False)
    mailbox = forms.ModelChoiceField(
        queryset=Mailbox.objects.only("id", "name"), required=False, empty_label="Any mailbox"
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], label: str, **kw: Any):
        super().__init__(*args, **kw)
        status = cast("forms.ChoiceField", self.fields["status"])
        status.choices = [("", f"Any {label.lower()}"), *choices]
        status.label = label

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"status": "", "mailbox": None}
        return dict(self.cleaned_data)


# --- Lists ---------------------------------------------------------------------------------


def _render_list(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx and not htmx.history_restore_request)
    response = render(request, f"{template}#results" if partial else template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _page(request: HttpRequest, rows: QuerySet[Any], order: tuple[str, ...]) -> dict[str, Any]:
    page = keyset_page(
        rows, order=order, after=request.GET.get("after"), before=request.GET.get("before")
    )
    return {"page": page, "rows": page.rows, "count": count_label(rows)}


@requires("servicedesk.manage")
def mailbox_list(request: HttpRequest) -> HttpResponse:
    rows = Mailbox.objects.values(
        "id", "name", "host", "username", "auth", "active", "last_polled_at", "last_error",
        "queue__name",
    )  # fmt: skip
    context = _page(request, rows, MAILBOX_ORDER)
    auth = dict(Mailbox.Auth.choices)
    for row in context["rows"]:
        row["auth_label"] = auth.get(row["auth"], row["auth"])
        row["url"] = reverse("servicedesk:mailbox_edit", args=[row["id"]])
    return _render_list(request, "servicedesk/mailbox_list.html", context)


@requires("servicedesk.manage")
def inbound_mail_list(request: HttpRequest) -> HttpResponse:
    form = LogFilterForm(request.GET or None, choices=InboundMail.Outcome.choices, label="Outcome")
    filters = form.filters()
    rows = InboundMail.objects.values(
        "id", "received_at", "sender", "subject", "outcome", "reason", "size", "source",
        "ticket_id", "mailbox__name",
    )  # fmt: skip
    if filters["status"]:
        rows = rows.filter(outcome=filters["status"])
    if filters["mailbox"] is not None:
        rows = rows.filter(mailbox=filters["mailbox"])
    context = _page(request, rows, LOG_ORDER_INBOUND)
    outcomes = dict(InboundMail.Outcome.choices)
    for row in context["rows"]:
        row["outcome_label"] = outcomes.get(row["outcome"], row["outcome"])
        row["ticket_url"] = (
            reverse("servicedesk:ticket_detail", args=[row["ticket_id"]])
            if row["ticket_id"]
            else ""
        )
    context.update(form=form, filtered=bool(filters["status"] or filters["mailbox"]))
    return _render_list(request, "servicedesk/mail_inbound_list.html", context)


@requires("servicedesk.manage")
def outbound_mail_list(request: HttpRequest) -> HttpResponse:
    form = LogFilterForm(request.GET or None, choices=OutboundMail.Status.choices, label="Status")
    del form.fields["mailbox"]
    filters = form.filters()
    rows = OutboundMail.objects.values(
        "id", "created_at", "sent_at", "to", "subject", "kind", "status", "attempts",
        "last_error", "ticket_id",
    )  # fmt: skip
    if filters["status"]:
        rows = rows.filter(status=filters["status"])
    context = _page(request, rows, LOG_ORDER_OUTBOUND)
    kinds = dict(OutboundMail.Kind.choices)
    statuses = dict(OutboundMail.Status.choices)
    for row in context["rows"]:
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
        row["status_label"] = statuses.get(row["status"], row["status"])
        row["failed"] = row["status"] == OutboundMail.Status.FAILED
        row["ticket_url"] = (
            reverse("servicedesk:ticket_detail", args=[row["ticket_id"]])
            if row["ticket_id"]
            else ""
        )
    context.update(form=form, filtered=bool(filters["status"]))
    return _render_list(request, "servicedesk/mail_outbound_list.html", context)


# --- Mailboxes -----------------------------------------------------------------------------


@requires("servicedesk.manage")
def mailbox_create(request: HttpRequest) -> HttpResponse:
    form = MailboxForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mailbox = services.create_mailbox(by=_by(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{mailbox} was added; the worker polls it every minute.")
            return redirect("servicedesk:mailbox_list")
    return render(request, "servicedesk/mailbox_form.html", {"form": form, "mailbox": None})


@requires("servicedesk.manage")
def mailbox_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mailbox = get_object_or_404(Mailbox.objects.select_related("queue"), pk=pk)
    form = MailboxForm(request.POST or None, instance=mailbox)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_mailbox(mailbox=mailbox, by=_by(request), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{mailbox} was saved.")
            return redirect("servicedesk:mailbox_list")
    return render(request, "servicedesk/mailbox_form.html", {"form": form, "mailbox": mailbox})


@requires("servicedesk.manage")
@require_POST
def mailbox_test(request: HttpRequest, pk: int) -> HttpResponse:
    mailbox = get_object_or_404(Mailbox, pk=pk)
    try:
        said = services.check_mailbox_connection(mailbox)
    except ValidationError as exc:
        messages.error(request, f"{mailbox}: {' '.join(exc.messages)}")
    else:
        messages.success(request, f"{mailbox}: {said}")
    return redirect("servicedesk:mailbox_edit", pk=mailbox.pk)


@requires("servicedesk.manage")
@require_POST
def outbound_mail_resend(request: HttpRequest) -> HttpResponse:
    """Send a failed notice again; its id comes as `pk` from the log's button."""
    pk = request.POST.get("pk", "")
    outbound = get_object_or_404(OutboundMail, pk=int(pk) if pk.isdigit() else 0)
    try:
        services.resend_outbound_mail(outbound=outbound, by=_by(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The notice to {outbound.to} is queued to be sent again.")
    return redirect("servicedesk:outbound_mail_list")
