"""Alerting settings (leaders): the on-duty rota, webhooks, escalation timing, the status
page's words and its subscribers; and the one-click acknowledge link from alert mail."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hatrack.core.permissions import requires
from hatrack.directory.views.pages import acting_user, list_page
from hatrack.systems.forms.alerting import (
    AlertingSettingsForm,
    ShiftForm,
    WebhookForm,
    add_service_errors,
)
from hatrack.systems.models import (
    Alert,
    Channel,
    Incident,
    OnDuty,
    StatusSubscriber,
    SystemsSettings,
    Webhook,
)
from hatrack.systems.services import alerting_settings as services
from hatrack.systems.services.alerts import read_acknowledge_token, send_test_alert
from hatrack.systems.services.incidents import acknowledge_incident


def posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _settings_initial(row: SystemsSettings) -> dict[str, Any]:
    names = AlertingSettingsForm.base_fields
    return {name: getattr(row, name) for name in names}


@requires("systems.manage")
def alerting(request: HttpRequest) -> HttpResponse:
    """The rota (current and coming shifts), webhooks and the settings form."""
    row = SystemsSettings.load()
    form = AlertingSettingsForm(posted(request), initial=_settings_initial(row))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_alerting_settings(by=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The alerting settings were saved.")
            return redirect("systems:alerting")
    now = timezone.now()
    shifts = list(
        OnDuty.objects.filter(ends_at__gt=now)
        .select_related("user")
        .order_by("starts_at", "level", "id")[:100]
    )
    for shift in shifts:
        shift.now = shift.starts_at <= now  # type: ignore[attr-defined]
    hooks = list(Webhook.objects.order_by("name"))
    recent = list(
        Alert.objects.filter(channel=Channel.WEBHOOK)
        .only("event", "recipient", "status", "error", "created_at", "attempts")
        .order_by("-created_at", "-id")[:10]
    )
    context = {"form": form, "shifts": shifts, "webhooks": hooks, "recent": recent}
    return render(request, "systems/alerting.html", context)


@requires("systems.manage")
def duty_create(request: HttpRequest) -> HttpResponse:
    form = ShiftForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_shift(by=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The shift was added to the rota.")
            return redirect("systems:alerting")
    return render(request, "systems/duty_form.html", {"form": form})


@requires("systems.manage")
@require_POST
def duty_delete(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(OnDuty, pk=pk)
    services.delete_shift(shift=shift, by=acting_user(request))
    messages.success(request, "The shift was removed from the rota.")
    return redirect("systems:alerting")


def _webhook_page(request: HttpRequest, webhook: Webhook | None) -> HttpResponse:
    initial = (
        {"name": webhook.name, "format": webhook.format, "enabled": webhook.enabled}
        if webhook
        else None
    )
    hint = webhook.url_hint if webhook else ""
    form: forms.Form = WebhookForm(posted(request), initial=initial, current_url_hint=hint)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if webhook and not fields["url"]:
            fields["url"] = webhook.url  # left empty: keep the saved address
        try:
            saved = services.save_webhook(webhook=webhook, by=acting_user(request), **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The webhook {saved.name} was saved.")
            return redirect("systems:alerting")
    return render(request, "systems/webhook_form.html", {"form": form, "webhook": webhook})


@requires("systems.manage")
def webhook_create(request: HttpRequest) -> HttpResponse:
    return _webhook_page(request, None)


@requires("systems.manage")
def webhook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _webhook_page(request, get_object_or_404(Webhook, pk=pk))


@requires("systems.manage")
@require_POST
def webhook_test(request: HttpRequest, pk: int) -> HttpResponse:
    webhook = get_object_or_404(Webhook, pk=pk)
    send_test_alert(webhook=webhook, by=acting_user(request))
    messages.success(
        request, f"A test alert is on its way to {webhook.name}; its result appears below."
    )
    return redirect("systems:alerting")


class SubscriberFilterForm(forms.Form):
    STATES = [
        ("", "Everyone"),
        ("active", "Confirmed"),
        ("pending", "Waiting for confirmation"),
        ("unsubscribed", "Unsubscribed"),
    ]
    state = forms.ChoiceField(choices=STATES, required=False, label="Show")

    def query(self) -> Q:
        state = self.cleaned_data.get("state") if self.is_valid() else ""
        return {
            "active": Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
            "pending": Q(confirmed_at__isnull=True, unsubscribed_at__isnull=True),
            "unsubscribed": Q(unsubscribed_at__isnull=False),
        }.get(state or "", Q())


def _present_subscribers(rows: list[StatusSubscriber]) -> list[dict[str, Any]]:
    return [
        {
            "email": s.email,
            "state": "Unsubscribed"
            if s.unsubscribed_at
            else ("Confirmed" if s.confirmed_at else "Waiting for confirmation"),
            "since": s.created_at,
        }
        for s in rows
    ]


@requires("systems.manage")
def subscriber_list(request: HttpRequest) -> HttpResponse:
    """Who subscribed to the status page: counts, then one page of addresses. No export:
    family addresses stay on this page, which only leaders may open."""
    form = SubscriberFilterForm(request.GET or None)
    totals = StatusSubscriber.objects.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True)),
        unsubscribed=Count("id", filter=Q(unsubscribed_at__isnull=False)),
    )
    rows = (
        StatusSubscriber.objects.filter(form.query())
        .only("id", "email", "confirmed_at", "unsubscribed_at", "created_at")
        .order_by("email", "id")
    )
    return list_page(
        request,
        "systems/subscriber_list.html",
        form=form,
        rows=rows,
        order=("email", "id"),
        present=_present_subscribers,
        filtered=bool(request.GET.get("state")),
        totals=totals,
    )


@requires("systems.work")
def acknowledge_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an alert mail: GET asks for confirmation, POST acknowledges."""
    found = read_acknowledge_token(token)
    if found is None:
        # A page that explains, not an error status: the link came from our own mail.
        return render(request, "systems/acknowledge_link.html", {"invalid": True})
    incident = Incident.objects.filter(pk=found[0]).first()
    if incident is None:
        raise Http404("No such incident.")
    if found[1] != acting_user(request).pk:
        # The link speaks for the person it was mailed to; anyone else acknowledges, as
        # themselves, from the incident page.
        return render(
            request, "systems/acknowledge_link.html", {"incident": incident, "other": True}
        )
    if request.method == "POST" and incident.acknowledged_at is None and incident.is_open:
        acknowledge_incident(incident=incident, by=acting_user(request))
        messages.success(request, f"You acknowledged {incident.reference}.")
        return redirect("systems:incident_detail", pk=incident.pk)
    return render(request, "systems/acknowledge_link.html", {"incident": incident})
