"""Where one failure spreads furthest: dependency cycles, the blast radius of every
system, and single points of failure, over the dependency graph of `systems.graph`.

These walk the whole graph at once (the leader's report and the catalog's cycle flag),
through its strongly connected components: reachability is one bitset per component, so
every system's reach costs a few milliseconds at 300 systems, not one walk each.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from hatrack.systems.graph import ROLES, Graph, Population, load_graph, population

ROLE_SET = frozenset(ROLES)


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


def _propagate(graph: Graph, own: dict[int, int], *, fails_only: bool) -> dict[int, int]:
    """For every system, the OR of `own` over every system reached from it over reverse
    edges (itself included), through the condensation of strongly connected components.

    Cost: one Tarjan pass (O(V + E)) plus one big-integer OR per edge: tens of
    milliseconds at 5,000 systems and 25,000 dependencies."""
    component_of: dict[int, int] = {}
    reach: list[int] = []
    # Components come out dependents first, so theirs are known when a component is done.
    for component in _components(sorted(graph.nodes), graph.dependents, fails_only=fails_only):
        c = len(reach)
        mask = 0
        for v in component:
            component_of[v] = c
            mask |= own[v]
        for v in component:
            for w, fails in graph.dependents.get(v, ()):
                if (fails or not fails_only) and component_of[w] != c:
                    mask |= reach[component_of[w]]
        reach.append(mask)
    return {pk: reach[component_of[pk]] for pk in graph.nodes}


def _reach_masks(graph: Graph, *, fails_only: bool) -> tuple[list[int], dict[int, int]]:
    """Every system's reach as a bitset over `order` (the systems by id)."""
    order = sorted(graph.nodes)
    bit = {pk: 1 << n for n, pk in enumerate(order)}
    return order, _propagate(graph, bit, fails_only=fails_only)


def _members(mask: int, order: list[int]) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield order[low.bit_length() - 1]
        mask ^= low


def _people_masks(graph: Graph, people: Population) -> tuple[dict[int, int], list[int]]:
    """Each system's (site, role) head-count rows as a bitset over the population's rows,
    by the rule of `graph.affected` (no sites: every site, people without one included),
    and each row's head count."""
    rows = list(people.counts)
    every_site: dict[str, int] = {}
    at_site: dict[tuple[int, str], int] = {}
    for n, (site_id, role) in enumerate(rows):
        every_site[role] = every_site.get(role, 0) | 1 << n
        if site_id is not None:
            at_site[(site_id, role)] = 1 << n
    own: dict[int, int] = {}
    for pk, node in graph.nodes.items():
        mask = 0
        for role in node.audiences & ROLE_SET:
            if not node.sites:
                mask |= every_site.get(role, 0)
            else:
                for site_id in node.sites:
                    mask |= at_site.get((site_id, role), 0)
        own[pk] = mask
    return own, [people.counts[row] for row in rows]


def blast_radius() -> list[tuple[int, int, int]]:
    """(system id, systems failing or degrading with it, people affected) for every
    active system, largest first (then most people, then id).

    Both figures are propagated through the condensation as bitsets (systems reached,
    head-count rows covered), so the cost is two `_propagate` passes plus one sum per
    distinct set of rows: about 0.2 s at 5,000 systems (bench/impact_analysis.py)."""
    graph = load_graph()
    _, reach = _reach_masks(graph, fails_only=False)
    own, weights = _people_masks(graph, population())
    covered = _propagate(graph, own, fails_only=False)
    sums: dict[int, int] = {}
    rows = []
    for pk in sorted(graph.nodes):
        mask = covered[pk]
        if mask not in sums:
            sums[mask] = sum(weights[low.bit_length() - 1] for low in _bits(mask))
        rows.append((pk, reach[pk].bit_count() - 1, sums[mask]))
    rows.sort(key=lambda row: (-row[1], -row[2], row[0]))
    return rows


def _bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low
        mask ^= low


def single_points_of_failure(min_dependents: int = 3) -> list[dict[str, Any]]:
    """Systems without failover that at least `min_dependents` tier 1 or 2 systems fail
    with (transitively, over "fails" edges), most first.

    Each row: id, name, tier, kind, critical_dependents (that count), critical_ids
    (those systems, sorted) and fails (every system that fails with it)."""
    graph = load_graph()
    order, masks = _reach_masks(graph, fails_only=True)
    critical_mask = sum(1 << n for n, pk in enumerate(order) if graph.nodes[pk].tier <= 2)
    rows: list[dict[str, Any]] = []
    for n, pk in enumerate(order):
        node = graph.nodes[pk]
        failing = masks[pk] & ~(1 << n)
        critical = failing & critical_mask
        if node.has_failover or critical.bit_count() < min_dependents:
            continue
        rows.append(
            {
                "id": pk,
                "name": node.name,
                "tier": node.tier,
                "kind": node.kind,
                "critical_dependents": critical.bit_count(),
                "critical_ids": sorted(_members(critical, order)),
                "fails": failing.bit_count(),
            }
        )
    rows.sort(key=lambda r: (-r["critical_dependents"], -r["fails"], r["tier"], r["name"]))
    return rows
