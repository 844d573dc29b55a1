"""Automation rules of a queue, for technology leaders: the ordered list, the rule form,
moving and removing rules, and trying a rule on an existing ticket."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hatrack.accounts.models import User
from hatrack.core.permissions import requires
from hatrack.directory.models import Person, Site
from hatrack.servicedesk.forms.settings import RuleForm, RuleTryForm, category_paths
from hatrack.servicedesk.models import AutomationRule, Queue, Team, Ticket
from hatrack.servicedesk.services import automation as services
from hatrack.servicedesk.views.settings import acting_user, add_service_error

# A queue's rules all show on one page: the run order is the point of the list.
MOST_RULES = 200
CONDITION_LABELS = {
    "categories": "Category is",
    "sites": "Site is",
    "requester_roles": "Requester is a",
    "keywords": "Mentions",
    "priorities": "Priority is",
    "channels": "Came in by",
}


class RuleNames:
    """Names for the ids and codes rules store, read once per page (a few small queries)."""

    def __init__(self, queue: Queue) -> None:
        self.categories = {c.pk: path for c, _, path in category_paths(queue)}
        self.sites = dict(Site.objects.values_list("pk", "name"))
        self.teams = dict(Team.objects.filter(queue=queue).values_list("pk", "name"))
        self.roles = dict(Person.Role.choices)
        self.priorities = dict(Ticket.Priority.choices)
        self.channels = dict(Ticket.Channel.choices)
        self.users: dict[int, str] = {}

    def load_users(self, rules: list[AutomationRule]) -> None:
        ids = {r.actions["assignee"] for r in rules if r.actions.get("assignee")}
        self.users = {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}

    def condition(self, key: str, values: list[Any]) -> str:
        lookups: dict[str, dict[Any, str]] = {
            "categories": self.categories,
            "sites": self.sites,
            "requester_roles": self.roles,
            "priorities": self.priorities,
            "channels": self.channels,
        }
        lookup = lookups.get(key, {})
        shown = [f'"{v}"' if key == "keywords" else lookup.get(v, "(removed)") for v in values]
        return f"{CONDITION_LABELS[key]} {' or '.join(shown)}"

    def conditions(self, rule: AutomationRule) -> list[str]:
        found = [self.condition(k, v) for k, v in rule.conditions.items() if v]
        return found or ["Every new ticket"]

    def actions(self, rule: AutomationRule) -> list[str]:
        actions, done = rule.actions, []
        if actions.get("priority"):
            done.append(f"Set priority to {self.priorities.get(actions['priority'])}")
        if actions.get("category"):
            done.append(f"Set category to {self.categories.get(actions['category'], '(removed)')}")
        if actions.get("assignee"):
            done.append(f"Assign to {self.users.get(actions['assignee'], '(removed)')}")
        if actions.get("team"):
            done.append(f"Route to team {self.teams.get(actions['team'], '(removed)')}")
        if actions.get("tags"):
            done.append(f"Tag {', '.join(actions['tags'])}")
        if actions.get("notify"):
            done.append(f"Email {', '.join(actions['notify'])}")
        return done


@requires("servicedesk.manage")
def rule_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The queue's rules in the order they run, each in words, with move buttons."""
    queue = get_object_or_404(Queue, pk=pk)
    rules = list(AutomationRule.objects.filter(queue=queue).order_by("position", "id")[:MOST_RULES])
    names = RuleNames(queue)
    names.load_users(rules)
    rows = [
        {
            "rule": rule,
            "conditions": names.conditions(rule),
            "actions": names.actions(rule),
            "first": n == 0,
            "last": n == len(rules) - 1,
        }
        for n, rule in enumerate(rules)
    ]
    context = {"queue": queue, "rows": rows}
    return render(request, "servicedesk/settings_rule_list.html", context)


@requires("servicedesk.manage")
def rule_create(request: HttpRequest, pk: int) -> HttpResponse:
    queue = get_object_or_404(Queue, pk=pk)
    form = RuleForm(request.POST or None, queue=queue)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.create_rule(queue=queue, by=acting_user(request), **form.values())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f'The rule "{rule}" was added at the end of the list.')
            return redirect("servicedesk:rule_list", pk=queue.pk)
    context = {"form": form, "queue": queue, "rule": None}
    return render(request, "servicedesk/settings_rule_form.html", context)


def _try_rule(request: HttpRequest, rule: AutomationRule) -> dict[str, Any]:
    """ "Would this rule match HT-000123?": each condition, held or not, for a ticket of
    the rule's queue. Nothing is changed."""
    if "ticket" not in request.GET:
        return {"try_form": RuleTryForm()}
    form = RuleTryForm(request.GET)
    if not form.is_valid():
        return {"try_form": form}
    ticket = (
        Ticket.objects.select_related("category", "queue")
        .filter(pk=form.cleaned_data["ticket"], queue=rule.queue_id)
        .first()
    )
    if ticket is None:
        form.add_error("ticket", f"No ticket of the {rule.queue} queue has this number.")
        return {"try_form": form}
    names = RuleNames(rule.queue)
    facts = services.TicketFacts.of(ticket)
    results = [
        {"text": names.condition(key, rule.conditions[key]), "held": held}
        for key, held in services.condition_results(rule.conditions, ticket, facts)
    ]
    return {
        "try_form": form,
        "tried": ticket,
        "results": results,
        "would_match": all(r["held"] for r in results),
    }


@requires("servicedesk.manage")
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(AutomationRule.objects.select_related("queue"), pk=pk)
    form = RuleForm(request.POST or None, queue=rule.queue, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_rule(rule=rule, by=acting_user(request), **form.values())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f'The rule "{rule}" was saved.')
            return redirect("servicedesk:rule_list", pk=rule.queue_id)
    context = {"form": form, "queue": rule.queue, "rule": rule, **_try_rule(request, rule)}
    return render(request, "servicedesk/settings_rule_form.html", context)


@requires("servicedesk.manage")
@require_POST
def rule_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a rule one place up or down (`direction`), then back to the list."""
    rule = get_object_or_404(AutomationRule, pk=pk)
    services.move_rule(rule=rule, by=acting_user(request), up=request.POST.get("direction") == "up")
    return redirect("servicedesk:rule_list", pk=rule.queue_id)


@requires("servicedesk.manage")
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(AutomationRule, pk=pk)
    queue_id, name = rule.queue_id, rule.name
    services.delete_rule(rule=rule, by=acting_user(request))
    messages.success(request, f'The rule "{name}" was removed.')
    return redirect("servicedesk:rule_list", pk=queue_id)
