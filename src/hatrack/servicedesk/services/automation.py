"""Automation rules: a queue's leader-written "when a new ticket matches, do this".

`apply_rules` runs on every newly opened ticket, inside `open_ticket`'s transaction, so a
ticket is never seen half-routed. Rules run in position order; each one's conditions
are checked against the ticket as earlier rules left it (a rule that raised the
priority lets a later "urgent tickets" rule match). Conditions and actions are the JSON
shapes of `models.automation`; `clean_rule` validates and normalises them, so what is
stored is always well formed. An action that stopped making sense after the rule was
saved (a category retired, a technician who left) is skipped and named on the ticket's
timeline; it never stops a ticket from being opened.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from hatrack.core import audit
from hatrack.core.permissions import can
from hatrack.directory.models import Person, Site
from hatrack.servicedesk.mail.outbound import Draft, queue_drafts
from hatrack.servicedesk.models import AutomationRule, Category, Queue, Tag, Team, Ticket
from hatrack.servicedesk.services import sla
from hatrack.servicedesk.services.rules import WORKER_ROLES, event
from hatrack.servicedesk.services.teams import route_to_team

if TYPE_CHECKING:
    from hatrack.accounts.models import User

CONDITION_KEYS = ("categories", "sites", "requester_roles", "keywords", "priorities", "channels")
ACTION_KEYS = ("priority", "category", "assignee", "team", "tags", "notify")
MAX_KEYWORDS = 50
MAX_NOTIFY = 20


class RuleValues(TypedDict, total=False):
    name: str
    conditions: dict[str, Any]
    actions: dict[str, Any]
    stop: bool
    active: bool


# --- Matching ----------------------------------------------------------------------------


@dataclass
class TicketFacts:
    """What conditions look at, read once per ticket: its category and the categories
    above it (a rule on "Hardware" matches "Hardware > Chromebook"), the requester's role,
    and the words of its subject and description."""

    category_ids: set[int] = field(default_factory=set)
    requester_role: str | None = None
    text: str = ""

    @classmethod
    def of(cls, ticket: Ticket) -> TicketFacts:
        facts = cls(text=f"{ticket.subject}\n{ticket.description}")
        category = ticket.category
        while category is not None and category.pk not in facts.category_ids:
            facts.category_ids.add(category.pk)
            category = category.parent
        if ticket.requester_id is not None:
            facts.requester_role = (
                Person.objects.filter(pk=ticket.requester_id).values_list("role", flat=True).first()
            )
        return facts


def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """A whole word or phrase, any case, any spacing between its words: "smart board"
    matches "Smart  Board is dead" but not "smartboards"."""
    words = [re.escape(w) for w in keyword.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def condition_results(
    conditions: Mapping[str, Any], ticket: Ticket, facts: TicketFacts
) -> list[tuple[str, bool]]:
    """Each condition the rule sets, with whether the ticket meets it (for "would this
    rule match?"). Conditions left empty hold for every ticket and are not listed."""
    checks: dict[str, Callable[[Any], bool]] = {
        "categories": lambda ids: bool(facts.category_ids & set(ids)),
        "sites": lambda ids: ticket.site_id in ids,
        "requester_roles": lambda roles: facts.requester_role in roles,
        "keywords": lambda words: any(keyword_pattern(w).search(facts.text) for w in words),
        "priorities": lambda values: ticket.priority in values,
        "channels": lambda values: ticket.channel in values,
    }
    return [(key, bool(checks[key](conditions[key]))) for key in checks if conditions.get(key)]


def rule_matches(rule: AutomationRule, ticket: Ticket, facts: TicketFacts) -> bool:
    return all(held for _, held in condition_results(rule.conditions, ticket, facts))


# --- Applying ----------------------------------------------------------------------------


def _set_category(ticket: Ticket, category_id: int) -> str:
    category = Category.objects.filter(pk=category_id, queue=ticket.queue_id, active=True).first()
    if category is None:
        return "category skipped: it is retired or left the queue"
    ticket.category = category
    return f"category set to {category.name}"


def _set_assignee(ticket: Ticket, user_id: int) -> str:
    from hatrack.accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True, role__in=WORKER_ROLES).first()
    if user is None:
        return "assignee skipped: the account is inactive or no longer works tickets"
    ticket.assignee = user
    return f"assigned to {user}"


def _set_team(ticket: Ticket, team_id: int) -> str:
    team = Team.objects.filter(pk=team_id, queue=ticket.queue_id, active=True).first()
    if team is None:
        return "team skipped: it is retired or left the queue"
    chosen = route_to_team(ticket, team)
    if chosen is not None:
        return f"routed to team {team.name}, assigned to {chosen}"
    return f"routed to team {team.name}"


def _add_tags(ticket: Ticket, names: Sequence[str]) -> str:
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    ticket.tags.add(*Tag.objects.filter(name__in=names))
    return f"tagged {', '.join(names)}"


def _notify(ticket: Ticket, rule: AutomationRule, addresses: Sequence[str]) -> str:
    subject = f"[{ticket.reference}] {ticket.subject}"
    body = (
        f'The rule "{rule.name}" of the {ticket.queue.name} queue matched a new ticket.\n\n'
        f"{ticket.reference}: {ticket.subject}\n"
        f"Priority: {ticket.get_priority_display()}\n\n{ticket.description}"
    )
    queue_drafts([Draft(a, "rule", subject, body, ticket) for a in addresses])
    return f"notified {', '.join(addresses)}"


def _apply_actions(ticket: Ticket, rule: AutomationRule) -> list[str]:
    """Carry out the rule's actions on the ticket in memory (tags and mail are written
    at once); returns what happened, in words, for the timeline."""
    actions, done = rule.actions, []
    if actions.get("priority"):
        ticket.priority = actions["priority"]
        done.append(f"priority set to {ticket.get_priority_display()}")
    if actions.get("category"):
        done.append(_set_category(ticket, actions["category"]))
    if actions.get("assignee"):
        done.append(_set_assignee(ticket, actions["assignee"]))
    if actions.get("team"):
        done.append(_set_team(ticket, actions["team"]))
    if actions.get("tags"):
        done.append(_add_tags(ticket, actions["tags"]))
    if actions.get("notify"):
        done.append(_notify(ticket, rule, actions["notify"]))
    return done


def apply_rules(ticket: Ticket, by: User | None) -> list[AutomationRule]:
    """Run the active rules of the ticket's queue, in position order, on a newly opened
    (saved) ticket; returns the rules that matched. Each matching rule counts a match,
    leaves a timeline event saying what it did and an audit entry with the changes; a
    matching rule with `stop` ends the run. Runs in one transaction (the caller's, when
    there is one). Writes nothing when no rule matches.
    """
    rules = list(AutomationRule.objects.filter(queue=ticket.queue_id, active=True))
    if not rules:
        return []
    matched: list[AutomationRule] = []
    with transaction.atomic():
        facts = TicketFacts.of(ticket)
        for rule in rules:
            if not rule_matches(rule, ticket, facts):
                continue
            _apply_rule(ticket, rule, by)
            matched.append(rule)
            facts = TicketFacts.of(ticket)  # a rule may have changed the category
            if rule.stop:
                break
    return matched


def _apply_rule(ticket: Ticket, rule: AutomationRule, by: User | None) -> None:
    before = audit.snapshot(ticket)
    done = _apply_actions(ticket, rule)
    if (ticket.priority, ticket.category_id) != (before["priority"], before["category"]):
        sla.reapply_policy(ticket, timezone.now())  # an urgent rule brings urgent targets
    ticket.save()
    AutomationRule.objects.filter(pk=rule.pk).update(times_matched=F("times_matched") + 1)
    event(ticket, None, f'Rule "{rule.name}" applied: {"; ".join(done)}.').save()
    audit.record_event(
        ticket,
        by=by,
        summary=f'Automation rule "{rule.name}" applied',
        changes={**audit.diff(before, audit.snapshot(ticket)), "rule": rule.pk},
    )


# --- Validating --------------------------------------------------------------------------


def _ids(value: Any) -> list[int]:
    return sorted({int(v) for v in value or ()})


def _words(value: Any) -> list[str]:
    seen: dict[str, str] = {}
    for item in value or ():
        text = " ".join(str(item).split())
        if text:
            seen.setdefault(text.lower(), text)
    return list(seen.values())


def _clean_conditions(
    queue: Queue, raw: Mapping[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    categories = _ids(raw.get("categories"))
    if categories and Category.objects.filter(pk__in=categories, queue=queue).count() != len(
        categories
    ):
        errors["categories"] = "Choose categories of this queue."
    sites = _ids(raw.get("sites"))
    if sites and Site.objects.filter(pk__in=sites).count() != len(sites):
        errors["sites"] = "Choose sites of the district."
    roles = sorted(set(raw.get("requester_roles") or ()))
    if set(roles) - set(Person.Role.values):
        errors["requester_roles"] = "Choose roles from the list."
    keywords = _words(raw.get("keywords"))
    if len(keywords) > MAX_KEYWORDS:
        errors["keywords"] = f"Use at most {MAX_KEYWORDS} keywords."
    if any(len(k) > 100 for k in keywords):
        errors["keywords"] = "Keep each keyword or phrase under 100 characters."
    priorities = sorted(set(raw.get("priorities") or ()))
    if set(priorities) - set(Ticket.Priority.values):
        errors["priorities"] = "Choose priorities from the list."
    channels = sorted(set(raw.get("channels") or ()))
    if set(channels) - set(Ticket.Channel.values):
        errors["channels"] = "Choose channels from the list."
    values = (categories, sites, roles, keywords, priorities, channels)
    return {key: value for key, value in zip(CONDITION_KEYS, values, strict=True) if value}


def _clean_target_actions(
    queue: Queue, raw: Mapping[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    from hatrack.accounts.models import User

    actions: dict[str, Any] = {}
    if raw.get("priority"):
        if raw["priority"] not in Ticket.Priority.values:
            errors["priority"] = "Choose a priority: low, normal, high or urgent."
        actions["priority"] = raw["priority"]
    if raw.get("category"):
        if not Category.objects.filter(pk=raw["category"], queue=queue, active=True).exists():
            errors["category"] = "Choose an active category of this queue."
        actions["category"] = int(raw["category"])
    if raw.get("assignee"):
        worker = User.objects.filter(pk=raw["assignee"], is_active=True, role__in=WORKER_ROLES)
        if not worker.exists():
            errors["assignee"] = "Assign to an active technician or technology leader."
        actions["assignee"] = int(raw["assignee"])
    if raw.get("team"):
        if not Team.objects.filter(pk=raw["team"], queue=queue, active=True).exists():
            errors["team"] = "Choose an active team of this queue."
        actions["team"] = int(raw["team"])
    return actions


def _clean_actions(queue: Queue, raw: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    actions = _clean_target_actions(queue, raw, errors)
    tags = sorted({" ".join(str(t).split()).lower() for t in raw.get("tags") or ()} - {""})
    if any(len(t) > 50 for t in tags):
        errors["tags"] = "Keep each tag under 50 characters."
    if tags:
        actions["tags"] = tags
    notify = _words(raw.get("notify"))
    if len(notify) > MAX_NOTIFY:
        errors["notify"] = f"Notify at most {MAX_NOTIFY} addresses."
    for address in notify:
        try:
            validate_email(address)
        except ValidationError:
            errors["notify"] = f"{address} is not an email address."
    if notify:
        actions["notify"] = notify
    if not actions and not errors:
        errors["__all__"] = "Give the rule at least one action: what should happen to a match?"
    return actions


def clean_rule(
    queue: Queue, conditions: Mapping[str, Any], actions: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Conditions and actions validated against `queue` and normalised (ids sorted,
    keywords de-duplicated with spaces collapsed, tags lower-cased). Raises
    ValidationError keyed by the condition or action at fault, in words."""
    errors: dict[str, str] = {}
    unknown = (set(conditions) - set(CONDITION_KEYS)) | (set(actions) - set(ACTION_KEYS))
    if unknown:
        errors["__all__"] = f"Unknown rule parts: {', '.join(sorted(unknown))}."
    cleaned = _clean_conditions(queue, conditions, errors), _clean_actions(queue, actions, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Keeping rules -----------------------------------------------------------------------


def _require_manager(by: User) -> None:
    if not can(by, "servicedesk.manage"):
        raise ValidationError("Only technology leaders can change automation rules.")


def create_rule(*, queue: Queue, by: User, **values: Unpack[RuleValues]) -> AutomationRule:
    """A new rule at the end of the queue's rules. Conditions and actions go through
    `clean_rule`; nothing is written when anything is wrong. Audited."""
    _require_manager(by)
    conditions, actions = clean_rule(queue, values.pop("conditions", {}), values.pop("actions", {}))
    name = values.pop("name", "").strip()
    rule = AutomationRule(
        queue=queue, name=name, conditions=conditions, actions=actions, created_by=by, **values
    )
    rule.full_clean(exclude=["position"])
    with transaction.atomic():
        last = AutomationRule.objects.filter(queue=queue).aggregate(m=Max("position"))["m"]
        rule.position = 0 if last is None else last + 1
        rule.save()
        audit.record_create(rule, by=by)
    return rule


def update_rule(*, rule: AutomationRule, by: User, **values: Unpack[RuleValues]) -> AutomationRule:
    """Change a rule's name, conditions, actions, stop or active flag. Validated like
    `create_rule`; nothing is written on error. Audited with before and after."""
    _require_manager(by)
    conditions, actions = clean_rule(
        rule.queue,
        values.pop("conditions", rule.conditions),
        values.pop("actions", rule.actions),
    )
    before = audit.snapshot(rule)
    if "name" in values:
        values["name"] = values["name"].strip()
    for name, value in {**values, "conditions": conditions, "actions": actions}.items():
        setattr(rule, name, value)
    try:
        rule.full_clean()
    except ValidationError:
        rule.refresh_from_db()
        raise
    with transaction.atomic():
        rule.save()
        audit.record_update(rule, before, by=by)
    return rule


def delete_rule(*, rule: AutomationRule, by: User) -> None:
    """Remove a rule for good (tickets it touched keep their timeline events). Audited."""
    _require_manager(by)
    with transaction.atomic():
        audit.record_delete(rule, by=by)
        rule.delete()


def move_rule(*, rule: AutomationRule, by: User, up: bool) -> AutomationRule:
    """Swap the rule with its neighbour above (up) or below; at either end nothing
    changes. The queue's rules are renumbered 0, 1, 2… on the way. Audited as an event."""
    _require_manager(by)
    with transaction.atomic():
        rules = list(
            AutomationRule.objects.select_for_update()
            .filter(queue=rule.queue_id)
            .order_by("position", "id")
        )
        index = next(i for i, r in enumerate(rules) if r.pk == rule.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(rules):
            return rule
        rules[index], rules[other] = rules[other], rules[index]
        for position, item in enumerate(rules):
            item.position = position
        AutomationRule.objects.bulk_update(rules, ["position"])
        moved = rules[other]
        audit.record_event(
            moved, by=by, summary="Moved up" if up else "Moved down", changes={"position": other}
        )
    return moved
