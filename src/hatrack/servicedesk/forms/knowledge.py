"""Forms for writing knowledge base articles. Validation and labels only; the
knowledge services render, sanitize and save."""

from __future__ import annotations

import copy
from typing import Any, cast

from django import forms

from hatrack.servicedesk.forms.portal import category_choices
from hatrack.servicedesk.models import Article, Category, Queue

FIELDS = ("title", "summary", "body", "audience", "queue", "category")


class ArticleForm(forms.ModelForm):  # type: ignore[type-arg]
    """An article's text, audience and placement. Works on a copy of the article, so
    a failed form never alters the record the view holds."""

    category = forms.ChoiceField(
        label="Category",
        required=False,
        help_text="Optional: helps technicians find the article next to the tickets it answers.",
        error_messages={"invalid_choice": "Choose one of the categories listed."},
    )

    class Meta:
        model = Article
        fields = FIELDS
        labels = {"audience": "Who can read it", "body": "Text"}
        help_texts = {
            "summary": "One or two sentences, shown in search results and suggestions.",
            "body": "Markdown: **bold**, *italic*, lists with -, links as [text](https://…), "
            "headings with #. HTML is shown as text, not run.",
            "queue": "Optional: the help desk this article belongs to.",
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 16, "class": "mono"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("instance") is not None:
            kwargs["instance"] = copy.copy(kwargs["instance"])
        super().__init__(*args, **kwargs)
        queue_field = cast("forms.ModelChoiceField[Any]", self.fields["queue"])
        queue_field.queryset = Queue.objects.only("id", "name").order_by("name")
        queue_field.empty_label = "Any help desk"
        category_field = cast("forms.ChoiceField", self.fields["category"])
        category_field.choices = [("", "No category"), *self._all_categories()]
        if self.instance.category_id is not None:
            self.initial["category"] = str(self.instance.category_id)

    @staticmethod
    def _all_categories() -> list[tuple[str, str]]:
        """Every queue's categories, labelled "Queue: Hardware › Chromebook"."""
        choices: list[tuple[str, str]] = []
        for queue in Queue.objects.only("id", "name").order_by("name"):
            choices += [(pk, f"{queue.name}: {label}") for pk, label in category_choices(queue.pk)]
        return choices

    def clean_category(self) -> Category | None:
        value = self.cleaned_data.get("category")
        return Category.objects.filter(pk=value).first() if value else None

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FIELDS}


class ArticleSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
