"""Where one failure spreads furthest: dependency cycles, the blast radius of every
system, and single points of failure, over the dependency graph of `systems.graph`.

These walk the whole graph at once (the leader's report and the catalog's cycle flag),
through its strongly connected components: reachability is one bitset per component, so
every system's reach costs a few milliseconds at 300 systems, not one walk each.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from hatrack.systems.graph import Graph, affected, load_graph, population


def cycles() -> list[list[int]]:
    """Strongly connected components of more than one system, each sorted, by first id."""
    graph = load_graph()
    found = [sorted(c) for c in _components(graph.nodes, graph.needs) if len(c) > 1]
    return sorted(found)


def _components(
    nodes: Iterable[int], edges: dict[int, list[tuple[int, bool]]], *, fails_only: bool = False
) -> Iterator[list[int]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit).

    Components come out in reverse topological order: every component reachable from
    one is yielded before it."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []

    def successors(v: int) -> Iterator[int]:
        return (w for w, fails in edges.get(v, ()) if fails or not fails_only)

    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, successors(root))]
        while work:
            v, pending = work[-1]
            for w in pending:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, successors(w)))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    yield component


def _reach_masks(graph: Graph, *, fails_only: bool) -> tuple[list[int], dict[int, int]]:
    """For every system, the bitset of systems reached from it over reverse edges
    (itself included), through the condensation of strongly connected components.

    Cost: one Tarjan pass (O(V + E)) plus one big-integer OR per condensed edge
    (O(E x V / 64) word operations): a few milliseconds at 300 systems."""
    order = sorted(graph.nodes)
    bit = {pk: 1 << n for n, pk in enumerate(order)}
    component_of: dict[int, int] = {}
    reach: list[int] = []
    for component in _components(order, graph.dependents, fails_only=fails_only):
        c = len(reach)
        mask = 0
        for v in component:
            component_of[v] = c
            mask |= bit[v]
        for v in component:
            for w, fails in graph.dependents.get(v, ()):
                if (fails or not fails_only) and component_of[w] != c:
                    mask |= reach[component_of[w]]
        reach.append(mask)
    return order, {pk: reach[component_of[pk]] for pk in order}


def _members(mask: int, order: list[int]) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield order[low.bit_length() - 1]
        mask ^= low


def blast_radius() -> list[tuple[int, int, int]]:
    """(system id, systems failing or degrading with it, people affected) for every
    active system, largest first (then most people, then id).

    Cost: the reachability bitsets of `_reach_masks`, then the people count over each
    reach set (O(sum of reach sizes + V x head-count rows)): about 0.1 s at 300 systems."""
    graph = load_graph()
    people = population()
    order, masks = _reach_masks(graph, fails_only=False)
    rows = []
    for pk in order:
        members = [graph.nodes[m] for m in _members(masks[pk], order)]
        rows.append((pk, len(members) - 1, affected(members, people)["people"]))
    rows.sort(key=lambda row: (-row[1], -row[2], row[0]))
    return rows


def single_points_of_failure(min_dependents: int = 3) -> list[dict[str, Any]]:
    """Systems without failover that at least `min_dependents` tier 1 or 2 systems fail
    with (transitively, over "fails" edges), most first.

    Each row: id, name, tier, kind, critical_dependents (that count), critical_ids
    (those systems, sorted) and fails (every system that fails with it)."""
    graph = load_graph()
    order, masks = _reach_masks(graph, fails_only=True)
    rows: list[dict[str, Any]] = []
    for pk in order:
        node = graph.nodes[pk]
        if node.has_failover:
            continue
        failing = [m for m in _members(masks[pk], order) if m != pk]
        critical = sorted(m for m in failing if graph.nodes[m].tier <= 2)
        if len(critical) >= min_dependents:
            rows.append(
                {
                    "id": pk,
                    "name": node.name,
                    "tier": node.tier,
                    "kind": node.kind,
                    "critical_dependents": len(critical),
                    "critical_ids": critical,
                    "fails": len(failing),
                }
            )
    rows.sort(key=lambda r: (-r["critical_dependents"], -r["fails"], r["tier"], r["name"]))
    return rows
