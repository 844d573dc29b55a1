"""Impact analysis and the map: mark systems as failed, see what fails or degrades with
them and who is affected, and see the whole graph with them highlighted.

Both pages are GET forms, so a result is a link someone can share. They read the graph
kept in memory by `systems.graph` (one small query to check its version) and the
directory head counts it caches, so their cost does not grow with the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from hatrack.core.permissions import requires
from hatrack.systems.graph import Graph, Impact, load_graph
from hatrack.systems.graph import impact_of as compute_impact
from hatrack.systems.graph_map import GROUPS, MARKERS, layout_map
from hatrack.systems.models import Audience, Kind, Tier

EFFECT_LABELS = {"failed": "Failed (selected)", "fails": "Fails", "degrades": "Degrades"}


class FailedForm(forms.Form):
    """Which systems have failed: ids of active systems, from the graph in memory."""

    failed = forms.TypedMultipleChoiceField(
        label="Failed systems",
        coerce=int,
        required=False,
        error_messages={
            "invalid_choice": "%(value)s is not an active system; choose systems from the list."
        },
    )
    group = forms.ChoiceField(
        label="Group by",
        required=False,
        choices=[("tier", "Tier"), ("kind", "Kind")],
    )

    def __init__(self, *args: Any, graph: Graph, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["failed"]
        assert isinstance(field, forms.TypedMultipleChoiceField)  # noqa: S101 (narrows)
        field.choices = [(pk, node.name) for pk, node in graph.nodes.items()]

    def selected(self) -> list[int]:
        """The valid failed ids (none when the field has an error); other fields apart."""
        if not self.is_bound:
            return []
        self.is_valid()
        return list(self.cleaned_data.get("failed") or [])

    def chosen_group(self) -> str:
        group = self.cleaned_data.get("group") if self.is_bound and self.is_valid() else None
        return group if group in GROUPS else "tier"


def _detail_url() -> Callable[[int], str]:
    """The catalog's system page (`systems:system_detail`), built once per request."""
    sample = reverse("systems:system_detail", args=[987654321])
    head, tail = sample.split("987654321", 1)
    return lambda pk: f"{head}{pk}{tail}"


def _choices_by_tier(graph: Graph, selected: set[int]) -> list[dict[str, Any]]:
    groups: dict[int, list[dict[str, Any]]] = {}
    for node in sorted(graph.nodes.values(), key=lambda n: (n.name.casefold(), n.id)):
        groups.setdefault(node.tier, []).append(
            {"id": node.id, "name": node.name, "checked": node.id in selected}
        )
    return [
        {"label": Tier(tier).label if tier in Tier.values else f"Tier {tier}", "options": rows}
        for tier, rows in sorted(groups.items())
    ]


def _rows(impact: Impact, names: dict[int, str], url: Callable[[int], str]) -> list[dict[str, Any]]:
    kinds = dict(Kind.choices)
    return [
        {
            "name": s.name,
            "url": url(s.id),
            "effect": s.effect,
            "effect_label": EFFECT_LABELS[s.effect],
            "marker": MARKERS[s.effect],
            "tier": s.tier,
            "kind": kinds.get(s.kind, s.kind),
            "via": ", ".join(names[v] for v in s.via) or "—",
            "depth": s.depth,
        }
        for s in impact.systems
    ]


def _query(failed: list[int], **extra: str) -> str:
    return urlencode([*extra.items(), *(("failed", pk) for pk in failed)])


@requires("systems.view")
def impact(request: HttpRequest) -> HttpResponse:
    graph = load_graph()
    form = FailedForm(request.GET or None, graph=graph)
    failed = form.selected()
    context: dict[str, Any] = {
        "form": form,
        "tiers": _choices_by_tier(graph, set(failed)),
        "has_systems": bool(graph.nodes),
        "selected": failed,
        "map_url": reverse("systems:map") + (f"?{_query(failed)}" if failed else ""),
    }
    if failed:
        result = compute_impact(failed)
        names = {pk: node.name for pk, node in graph.nodes.items()}
        audiences = dict(Audience.choices)
        context.update(
            impact=result,
            rows=_rows(result, names, _detail_url()),
            counts={
                "failed": sum(1 for s in result.systems if s.effect != "degrades"),
                "fails": sum(1 for s in result.systems if s.effect == "fails"),
                "degrades": sum(1 for s in result.systems if s.effect == "degrades"),
            },
            people=f"{result.people:,}",
            families=f"{result.families:,}" if result.families else "",
            site_names=[name for _, name in result.sites],
            audience_labels=[audiences.get(a, a) for a in result.audiences],
        )
    return render(request, "systems/impact.html", context)


@requires("systems.view")
def graph_map(request: HttpRequest) -> HttpResponse:
    graph = load_graph()
    form = FailedForm(request.GET or None, graph=graph)
    failed = form.selected()
    group = form.chosen_group()
    effects: dict[int, str] = {}
    if failed:
        effects = {s.id: s.effect for s in compute_impact(failed).systems}
    layout = layout_map(graph, group=group, effects=effects, detail_url=_detail_url())
    other = "kind" if group == "tier" else "tier"
    context = {
        "form": form,
        "layout": layout,
        "group": group,
        "selected": failed,
        "counts": {
            "failed": sum(1 for e in effects.values() if e == "failed"),
            "fails": sum(1 for e in effects.values() if e == "fails"),
            "degrades": sum(1 for e in effects.values() if e == "degrades"),
        },
        "other_group": other,
        "other_group_url": f"{reverse('systems:map')}?{_query(failed, group=other)}",
        "impact_url": reverse("systems:impact") + (f"?{_query(failed)}" if failed else ""),
    }
    return render(request, "systems/map.html", context)
