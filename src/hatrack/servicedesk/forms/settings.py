"""Forms of the desk's settings: queues, categories, teams and automation rules.

Validation and labels only; the services (`services.queues`, `services.teams`,
`services.automation`) check again and write. The rule form builds the rule's
conditions and actions JSON from ordinary fields, so nobody types JSON.
"""

from __future__ import annotations

from typing import Any

from django import forms

from hatrack.directory.forms import ServiceForm
from hatrack.directory.models import Department, Person, Site
from hatrack.servicedesk.models import (
    AutomationRule,
    Category,
    Queue,
    Team,
    Ticket,
    parse_reference,
)
from hatrack.servicedesk.services.automation import CONDITION_KEYS
from hatrack.servicedesk.services.teams import eligible_members

CHECKBOXES = forms.CheckboxSelectMultiple
LINES = forms.Textarea(attrs={"rows": 4})


class QueueForm(ServiceForm):
    class Meta:
        model = Queue
        fields = ["name", "code", "department", "email", "active"]
        labels = {"email": "Mail address"}
        help_texts = {
            "active": "An inactive queue keeps its tickets but takes no new ones.",
            "department": "The department that runs this queue (optional).",
        }
        error_messages = {
            "name": {"unique": "Another queue already has this name."},
            "code": {"unique": "Another queue already uses this code."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        if isinstance(department, forms.ModelChoiceField):
            department.queryset = Department.objects.only("id", "name").order_by("name")
            department.empty_label = "No department"


def category_paths(queue: Queue) -> list[tuple[Category, int, str]]:
    """The queue's categories depth-first (parents before children, siblings by name),
    each with its depth and full name ("Hardware › Chromebook"). One query."""
    categories = list(Category.objects.filter(queue=queue).order_by("name"))
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    ordered: list[tuple[Category, int, str]] = []

    def visit(parent: int | None, depth: int, prefix: str) -> None:
        for category in children.get(parent, []):
            path = f"{prefix} › {category.name}" if prefix else category.name
            ordered.append((category, depth, path))
            visit(category.pk, depth + 1, path)

    visit(None, 0, "")
    return ordered


class CategoryForm(forms.Form):
    name = forms.CharField(max_length=100)
    parent = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Under", choices=[]
    )
    active = forms.BooleanField(
        required=False,
        initial=True,
        help_text="A retired category stays on old tickets but cannot be chosen for new ones.",
    )

    def __init__(self, *args: Any, queue: Queue, category: Category | None = None, **kwargs: Any):
        if category is not None:
            kwargs.setdefault(
                "initial",
                {"name": category.name, "parent": category.parent_id, "active": category.active},
            )
        super().__init__(*args, **kwargs)
        self.by_id: dict[int, Category] = {}
        choices: list[tuple[Any, str]] = [("", "Top level")]
        # A category cannot move under itself or under one of its own children: in
        # depth-first order those are the rows after it that sit deeper than it.
        skipping: int | None = None
        for item, depth, path in category_paths(queue):
            if skipping is not None and depth > skipping:
                continue
            skipping = None
            if category is not None and item.pk == category.pk:
                skipping = depth
                continue
            self.by_id[item.pk] = item
            choices.append((item.pk, path))
        parent = self.fields["parent"]
        if isinstance(parent, forms.TypedChoiceField):
            parent.choices = choices

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        parent = data.get("parent")
        return {
            "name": data["name"],
            "parent": self.by_id.get(parent) if parent else None,
            "active": data["active"],
        }


class MemberChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.role_label})"


class TeamForm(forms.Form):
    queue = forms.ModelChoiceField(
        queryset=Queue.objects.filter(active=True).only("id", "name").order_by("name"),
        empty_label=None,
    )
    name = forms.CharField(max_length=100)
    assignment = forms.ChoiceField(
        label="New tickets go to",
        choices=Team.Assignment.choices,
        help_text="Round robin takes members in turn; least loaded picks whoever has the "
        "fewest open tickets.",
    )
    members = MemberChoiceField(
        queryset=None,
        required=False,
        widget=CHECKBOXES,
        help_text="Active technicians and technology leaders.",
    )
    active = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, team: Team | None = None, **kwargs: Any) -> None:
        if team is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": team.name,
                    "assignment": team.assignment,
                    "active": team.active,
                    "members": list(team.members.values_list("pk", flat=True)),
                },
            )
        super().__init__(*args, **kwargs)
        members = self.fields["members"]
        if isinstance(members, forms.ModelMultipleChoiceField):
            members.queryset = eligible_members()
        if team is not None:
            del self.fields["queue"]  # a team stays with its queue

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "assignment": data["assignment"],
            "active": data["active"],
            "members": list(data["members"]),
        }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class RuleForm(forms.Form):
    """A rule's name, its conditions (all must hold; empty ones hold for every ticket)
    and its actions, as fields; `conditions()` and `actions()` give the JSON."""

    name = forms.CharField(max_length=100)
    active = forms.BooleanField(required=False, initial=True)
    stop = forms.BooleanField(
        required=False, label="Stop here", help_text="When this rule matches, run no later rules."
    )
    categories = forms.TypedMultipleChoiceField(
        required=False, coerce=int, widget=CHECKBOXES, label="Category is one of",
        help_text="A category also matches the categories under it.",
    )  # fmt: skip
    sites = forms.TypedMultipleChoiceField(
        required=False, coerce=int, widget=CHECKBOXES, label="Site is one of"
    )
    requester_roles = forms.MultipleChoiceField(
        required=False, widget=CHECKBOXES, label="Requester is a", choices=Person.Role.choices
    )
    keywords = forms.CharField(
        required=False, widget=LINES, label="Subject or description mentions",
        help_text="One word or phrase a line; whole words, any case. Any one of them matches.",
    )  # fmt: skip
    priorities = forms.MultipleChoiceField(
        required=False, widget=CHECKBOXES, label="Priority is", choices=Ticket.Priority.choices
    )
    channels = forms.MultipleChoiceField(
        required=False, widget=CHECKBOXES, label="Came in by", choices=Ticket.Channel.choices
    )
    priority = forms.ChoiceField(
        required=False,
        label="Set priority",
        choices=[("", "Leave as is"), *Ticket.Priority.choices],
    )
    category = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Set category"
    )
    assignee = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Assign to"
    )
    team = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Route to team",
        help_text="Without an assignee above, the team's own strategy picks one.",
    )  # fmt: skip
    tags = forms.CharField(
        required=False, max_length=500, label="Add tags", help_text="Separate tags with commas."
    )
    notify = forms.CharField(
        required=False, widget=LINES, label="Notify by email",
        help_text="One address a line; each gets the ticket's subject and description.",
    )  # fmt: skip

    def __init__(
        self, *args: Any, queue: Queue, rule: AutomationRule | None = None, **kwargs: Any
    ) -> None:
        if rule is not None:
            kwargs.setdefault("initial", self.initial_from(rule))
        super().__init__(*args, **kwargs)
        paths = [(c.pk, path) for c, _, path in category_paths(queue)]
        active = [(c.pk, path) for c, _, path in category_paths(queue) if c.active]
        workers = [(u.pk, f"{u} ({u.role_label})") for u in eligible_members()]
        teams = list(Team.objects.filter(queue=queue, active=True).values_list("pk", "name"))
        sites = list(Site.objects.filter(active=True).order_by("name").values_list("pk", "name"))
        self._choose("categories", paths)
        self._choose("sites", sites)
        self._choose("category", [("", "Leave as is"), *active])
        self._choose("assignee", [("", "Nobody in particular"), *workers])
        self._choose("team", [("", "No team"), *teams])

    def _choose(self, name: str, choices: list[tuple[Any, str]]) -> None:
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField):
            field.choices = choices

    @staticmethod
    def initial_from(rule: AutomationRule) -> dict[str, Any]:
        conditions, actions = rule.conditions, rule.actions
        initial: dict[str, Any] = {"name": rule.name, "active": rule.active, "stop": rule.stop}
        for key in CONDITION_KEYS:
            initial[key] = conditions.get(key, [])
        initial["keywords"] = "\n".join(conditions.get("keywords", []))
        for key in ("priority", "category", "assignee", "team"):
            initial[key] = actions.get(key, "")
        initial["tags"] = ", ".join(actions.get("tags", []))
        initial["notify"] = "\n".join(actions.get("notify", []))
        return initial

    def conditions(self) -> dict[str, Any]:
        data = self.cleaned_data
        found = {key: data[key] for key in CONDITION_KEYS if key != "keywords"}
        found["keywords"] = _lines(data["keywords"])
        return {key: value for key, value in found.items() if value}

    def actions(self) -> dict[str, Any]:
        data = self.cleaned_data
        found: dict[str, Any] = {
            key: data[key] for key in ("priority", "category", "assignee", "team")
        }
        found["tags"] = [t.strip() for t in data["tags"].split(",") if t.strip()]
        found["notify"] = _lines(data["notify"])
        return {key: value for key, value in found.items() if value}

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "active": data["active"],
            "stop": data["stop"],
            "conditions": self.conditions(),
            "actions": self.actions(),
        }


class RuleTryForm(forms.Form):
    """ "Would this rule match HT-000123?" """

    ticket = forms.CharField(
        label="Ticket", max_length=30, help_text="A ticket number such as HT-000123."
    )

    def clean_ticket(self) -> int:
        text = self.cleaned_data["ticket"].strip()
        number = parse_reference(text) or (int(text) if text.isdigit() else None)
        if number is None:
            raise forms.ValidationError("Write a ticket number such as HT-000123.")
        return number
