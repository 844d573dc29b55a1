"""The map of the dependency graph, laid out for an inline SVG drawn by a template.

Systems stand in bands by tier or by kind; a band with many systems wraps into several
columns of at most `ROWS` boxes, so 300 systems stay readable. Edges are straight light
lines drawn under the boxes; those between impacted systems are darker. Every value is
pre-formatted here so the template only prints escaped strings (no per-node tags).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hatrack.systems.graph import Graph
from hatrack.systems.models import Kind, Tier

ROWS = 28
BOX_W, BOX_H = 168, 22
COL_W, ROW_H = 184, 28
BAND_GAP, TITLE_H, MARGIN = 28, 34, 12
LABEL_CHARS = 25  # fits BOX_W at 11px, marker included
MARKERS = {"failed": "✕", "fails": "!", "degrades": "~"}
GROUPS = ("tier", "kind")


@dataclass(frozen=True)
class MapNode:
    id: int
    x: int
    y: int
    text_x: int
    text_y: int
    label: str
    title: str
    css: str
    url: str


@dataclass(frozen=True)
class MapEdge:
    x1: int
    y1: int
    x2: int
    y2: int
    css: str


@dataclass(frozen=True)
class MapBand:
    label: str
    x: int
    y: int
    width: int
    height: int
    text_x: int
    text_y: int


@dataclass(frozen=True)
class MapLayout:
    width: int
    height: int
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    bands: tuple[MapBand, ...]


def truncate(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _bands(graph: Graph, group: str) -> list[tuple[str, list[int]]]:
    if group == "kind":
        choices: list[tuple[object, str]] = [(k.value, k.label) for k in Kind]
        key = "kind"
    else:
        choices = [(t.value, t.label) for t in Tier]
        key = "tier"
    members: dict[object, list[int]] = {}
    for node in sorted(graph.nodes.values(), key=lambda n: (n.name.casefold(), n.id)):
        members.setdefault(getattr(node, key), []).append(node.id)
    known = [(label, members.pop(value)) for value, label in choices if value in members]
    others = [(str(value), ids) for value, ids in sorted(members.items(), key=str)]
    return known + others


def layout_map(
    graph: Graph,
    *,
    group: str,
    effects: Mapping[int, str],
    detail_url: Callable[[int], str],
) -> MapLayout:
    """Place every system of `graph` in its band; `effects` marks failed and impacted
    systems ("failed", "fails", "degrades") by id."""
    x = MARGIN
    height = 0
    centres: dict[int, tuple[int, int]] = {}
    nodes: list[MapNode] = []
    bands: list[MapBand] = []
    for label, ids in _bands(graph, group):
        columns = -(-len(ids) // ROWS)
        width = columns * COL_W
        rows = min(len(ids), ROWS)
        band_h = TITLE_H + rows * ROW_H + 8
        bands.append(MapBand(label, x - 6, MARGIN, width, band_h, x, MARGIN + 20))
        for n, pk in enumerate(ids):
            nx = x + (n // ROWS) * COL_W
            ny = MARGIN + TITLE_H + (n % ROWS) * ROW_H
            centres[pk] = (nx + BOX_W // 2, ny + BOX_H // 2)
            nodes.append(_node(graph, pk, nx, ny, effects.get(pk, ""), detail_url))
        x += width + BAND_GAP
        height = max(height, MARGIN + band_h)
    edges = []
    for u, dependents in graph.dependents.items():
        for v, _fails in dependents:
            (x1, y1), (x2, y2) = centres[u], centres[v]
            hot = u in effects and v in effects
            edges.append(MapEdge(x1, y1, x2, y2, "map-edge map-edge-hot" if hot else "map-edge"))
    edges.sort(key=lambda e: e.css)  # darker lines drawn last, on top
    return MapLayout(
        x - BAND_GAP + MARGIN, height + MARGIN, tuple(nodes), tuple(edges), tuple(bands)
    )


def _node(
    graph: Graph, pk: int, x: int, y: int, effect: str, detail_url: Callable[[int], str]
) -> MapNode:
    node = graph.nodes[pk]
    marker = MARKERS.get(effect, "")
    label = truncate(node.name, LABEL_CHARS - (2 if marker else 0))
    kind = Kind(node.kind).label if node.kind in Kind.values else node.kind
    title = f"{node.name} (tier {node.tier}, {kind})" + (f": {effect}" if effect else "")
    return MapNode(
        id=pk,
        x=x,
        y=y,
        text_x=x + 6,
        text_y=y + 15,
        label=f"{marker} {label}" if marker else label,
        title=title,
        css=f"map-node map-node-{effect}" if effect else "map-node",
        url=detail_url(pk),
    )
