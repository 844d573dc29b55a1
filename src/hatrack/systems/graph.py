"""The dependency graph in memory, and what it answers: the impact of failed systems.
(Cycles, blast radius and single points of failure: `systems.graph_risks`.)

The whole graph of active systems is loaded with three `values_list` queries (systems,
their sites, dependencies) and kept in this process, keyed by
`SystemsSettings.graph_version` (and the row's `updated_at`). Each call checks the key
with one small query and reloads only when a catalog service has called
`bump_graph_version()`, so several app servers and workers stay consistent without
sharing memory. The directory's head counts (active people by primary site and role)
are one grouped query, kept ten minutes in Django's cache.

Propagation (`impact_of`): the selected systems have failed. A system that depends on a
failed (or failing) system through a "fails" edge fails too; any other system reached
through the reverse edges degrades. A system reached both ways fails (worst wins).
`depth` is the fewest hops from a selected system over any edge; `via` are the immediate
causes (for a failing system, its failed parents over "fails" edges; for a degraded one,
every impacted parent).

People: audiences that are directory roles (students, teachers, staff, administrators,
aides) are counted from the directory over the union of (site, role) pairs of the
impacted systems (a system with no sites serves every site, and then people without a
primary site count too), so nobody is counted twice. Families are not in the
directory: `Impact.families` is a separate figure, the largest `approximate_users` among
impacted systems used by families (families overlap across systems, so the sum would
overcount; the largest is an honest lower bound). It is never added to `people`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F
from django.utils import timezone

from hatrack.directory.models import Person, Site
from hatrack.systems.models import Audience, Dependency, Effect, System, SystemsSettings

POPULATION_CACHE_KEY = "systems:graph:population"
POPULATION_CACHE_SECONDS = 600
ROLES = tuple(role.value for role in Person.Role)
AUDIENCE_ORDER = {value: n for n, value in enumerate(Audience.values)}


@dataclass(frozen=True)
class Node:
    """One active system, as the graph needs it."""

    id: int
    name: str
    tier: int
    kind: str
    has_failover: bool
    audiences: frozenset[str]
    sites: frozenset[int]  # empty: every site
    approximate_users: int | None


@dataclass
class Graph:
    """Active systems and the edges between them, both ways.

    `dependents[u]` lists (v, fails) for every v that depends on u; `needs[v]` lists
    (u, fails) for every u that v depends on. Several edges between the same pair merge,
    and the pair fails when any of them does. For the hot path (`impact_of`) the same
    edges are also kept as lists over dense positions: `ids[i]` is the system at
    position i, `out_any[i]`/`out_fails[i]` the positions of its dependents (over any
    edge / over "fails" edges), `in_any[i]`/`in_fails[i]` the positions it depends on
    (sorted by system id). Positions follow tier-then-name order, so sorting positions
    sorts systems by criticality.
    """

    key: tuple[Any, ...] | None
    nodes: dict[int, Node]
    dependents: dict[int, list[tuple[int, bool]]] = field(default_factory=dict)
    needs: dict[int, list[tuple[int, bool]]] = field(default_factory=dict)
    ids: list[int] = field(default_factory=list)
    position: dict[int, int] = field(default_factory=dict)
    out_any: list[list[int]] = field(default_factory=list)
    out_fails: list[list[int]] = field(default_factory=list)
    in_any: list[list[int]] = field(default_factory=list)
    in_fails: list[list[int]] = field(default_factory=list)

    def index(self) -> None:
        """Build the dense lists from `nodes` and `dependents`."""
        self.ids = sorted(self.nodes, key=lambda pk: _order_key(self.nodes[pk]))
        self.position = {pk: i for i, pk in enumerate(self.ids)}
        self.out_any = [[] for _ in self.ids]
        self.out_fails = [[] for _ in self.ids]
        self.in_any = [[] for _ in self.ids]
        self.in_fails = [[] for _ in self.ids]
        for u, dependents in sorted(self.dependents.items()):
            i = self.position[u]
            for v, fails in dependents:
                j = self.position[v]
                self.out_any[i].append(j)
                self.in_any[j].append(i)
                if fails:
                    self.out_fails[i].append(j)
                    self.in_fails[j].append(i)


def _order_key(node: Node) -> tuple[int, str, int]:
    return node.tier, node.name.casefold(), node.id


@dataclass(frozen=True)
class ImpactedSystem:
    id: int
    name: str
    tier: int
    kind: str
    effect: str  # "failed" (selected) | "fails" | "degrades"
    via: tuple[int, ...]
    depth: int


@dataclass(frozen=True)
class Impact:
    selected: tuple[int, ...]
    systems: tuple[ImpactedSystem, ...]  # selected, then fails, then degrades; by tier, name
    people: int
    sites: tuple[tuple[int, str], ...]
    all_sites: bool
    audiences: tuple[str, ...]
    families: int = 0  # largest approximate_users of impacted family-facing systems

    def as_json(self) -> dict[str, Any]:
        return {
            "failed": [s.id for s in self.systems if s.effect != Effect.DEGRADES],
            "degraded": [s.id for s in self.systems if s.effect == Effect.DEGRADES],
            "people": self.people,
            "families": self.families,
            "sites": [site_id for site_id, _ in self.sites],
            "all_sites": self.all_sites,
            "audiences": list(self.audiences),
        }


@dataclass(frozen=True)
class Population:
    """Active people by (primary site or None, role), and site names."""

    counts: dict[tuple[int | None, str], int]
    site_names: dict[int, str]


_lock = threading.Lock()
_cached: Graph | None = None


# ---- loading and the version ------------------------------------------------------


def bump_graph_version() -> None:
    """Tell every process the graph changed. Call inside the transaction that changed a
    System, its sites, or a Dependency; creates the settings row when missing."""
    updated = SystemsSettings.objects.filter(pk=1).update(
        graph_version=F("graph_version") + 1, updated_at=timezone.now()
    )
    if not updated:
        SystemsSettings.objects.get_or_create(pk=1, defaults={"graph_version": 1})


def clear_graph_cache() -> None:
    """Forget the graph this process holds (tests; the version check makes it optional)."""
    global _cached
    with _lock:
        _cached = None


def _current_key() -> tuple[Any, ...] | None:
    row = SystemsSettings.objects.filter(pk=1).values_list("graph_version", "updated_at").first()
    return None if row is None else tuple(row)


def load_graph() -> Graph:
    """The current graph: from this process's memory when its version is current.

    Costs one small query when current, four when reloading. Without a settings row
    (nothing was ever bumped) nothing is kept, so the graph is read every time.
    """
    global _cached
    key = _current_key()
    cached = _cached
    if key is not None and cached is not None and cached.key == key:
        return cached
    graph = _read_graph(key)
    if key is not None:
        with _lock:
            _cached = graph
    return graph


def _read_graph(key: tuple[Any, ...] | None) -> Graph:
    sites: dict[int, set[int]] = {}
    through = System.sites.through.objects.filter(system__active=True)
    for system_id, site_id in through.values_list("system_id", "site_id"):
        sites.setdefault(system_id, set()).add(site_id)
    nodes = {}
    rows = System.objects.active().values_list(
        "id", "name", "tier", "kind", "has_failover", "audiences", "approximate_users"
    )
    for pk, name, tier, kind, failover, audiences, users in rows:
        nodes[pk] = Node(
            pk,
            name,
            tier,
            kind,
            failover,
            frozenset(audiences or ()),
            frozenset(sites.get(pk, ())),
            users,
        )
    graph = Graph(key=key, nodes=nodes)
    merged: dict[tuple[int, int], bool] = {}
    edges = Dependency.objects.filter(system__active=True, depends_on__active=True)
    for system_id, depends_on_id, effect in edges.values_list(
        "system_id", "depends_on_id", "effect"
    ):
        pair = (system_id, depends_on_id)
        merged[pair] = merged.get(pair, False) or effect == Effect.FAILS
    for (v, u), fails in merged.items():
        graph.dependents.setdefault(u, []).append((v, fails))
        graph.needs.setdefault(v, []).append((u, fails))
    graph.index()
    return graph


def population() -> Population:
    """Active people by (primary site, role) and site names; cached ten minutes."""
    found = cache.get(POPULATION_CACHE_KEY)
    if isinstance(found, Population):
        return found
    rows = Person.objects.active().values_list("primary_site_id", "role").annotate(n=Count("id"))
    counts: dict[tuple[int | None, str], int] = {}
    for site_id, role, n in rows.order_by():
        counts[(site_id, role)] = counts.get((site_id, role), 0) + n
    names = dict(Site.objects.values_list("id", "name"))
    found = Population(counts=counts, site_names=names)
    cache.set(POPULATION_CACHE_KEY, found, POPULATION_CACHE_SECONDS)
    return found


# ---- impact -----------------------------------------------------------------------


def impact_of(failed_ids: Iterable[int]) -> Impact:
    """Every system that fails or degrades when `failed_ids` fail, and who is affected.

    Unknown and inactive ids are ignored. Costs one small query (two when the people
    counts are not cached) and time linear in the edges reached: about 10 to 30 ms when
    a hub's failure reaches all of 5,000 systems over 25,000 edges (bench/impact_analysis.py).
    """
    graph = load_graph()
    selected = tuple(sorted({int(i) for i in failed_ids} & graph.nodes.keys()))
    starts = [graph.position[pk] for pk in selected]
    depth, reached = _breadth_first(graph, starts)
    failing = _fails_closure(graph, starts)
    ids, nodes, in_any, in_fails = graph.ids, graph.nodes, graph.in_any, graph.in_fails
    groups: tuple[list[ImpactedSystem], ...] = ([], [], [])
    for i in sorted(reached):  # positions are in tier-then-name order
        node = nodes[ids[i]]
        if depth[i] == 0:
            groups[0].append(
                ImpactedSystem(node.id, node.name, node.tier, node.kind, "failed", (), 0)
            )
        elif failing[i]:
            via = tuple([ids[p] for p in in_fails[i] if failing[p]])
            groups[1].append(
                ImpactedSystem(node.id, node.name, node.tier, node.kind, "fails", via, depth[i])
            )
        else:
            via = tuple([ids[p] for p in in_any[i] if depth[p] >= 0])
            groups[2].append(
                ImpactedSystem(node.id, node.name, node.tier, node.kind, "degrades", via, depth[i])
            )
    systems = (*groups[0], *groups[1], *groups[2])
    return _with_people(graph, selected, systems, population())


def _breadth_first(graph: Graph, starts: list[int]) -> tuple[list[int], list[int]]:
    """Fewest hops to every position reached over reverse edges (-1: not reached), and
    the positions reached."""
    depth = [-1] * len(graph.ids)
    for i in starts:
        depth[i] = 0
    reached = list(starts)
    out_any = graph.out_any
    head = 0
    while head < len(reached):
        u = reached[head]
        head += 1
        d = depth[u] + 1
        for v in out_any[u]:
            if depth[v] < 0:
                depth[v] = d
                reached.append(v)
    return depth, reached


def _fails_closure(graph: Graph, starts: list[int]) -> bytearray:
    """Positions that fail: the starts, closed under "fails" edges."""
    failing = bytearray(len(graph.ids))
    for i in starts:
        failing[i] = 1
    stack = list(starts)
    out_fails = graph.out_fails
    while stack:
        for v in out_fails[stack.pop()]:
            if not failing[v]:
                failing[v] = 1
                stack.append(v)
    return failing


def _with_people(
    graph: Graph,
    selected: tuple[int, ...],
    systems: tuple[ImpactedSystem, ...],
    people: Population,
) -> Impact:
    nodes = [graph.nodes[s.id] for s in systems]
    figures = affected(nodes, people)
    return Impact(
        selected=selected,
        systems=systems,
        people=figures["people"],
        sites=figures["sites"],
        all_sites=figures["all_sites"],
        audiences=figures["audiences"],
        families=figures["families"],
    )


def affected(nodes: Iterable[Node], people: Population) -> dict[str, Any]:
    """People, sites, audiences and families affected by the union of `nodes`."""
    every_site: set[str] = set()  # roles served at every site
    role_sites: dict[str, set[int]] = {}
    sites: set[int] = set()
    audiences: set[str] = set()
    all_sites = False
    families = 0
    for node in nodes:
        audiences |= node.audiences
        all_sites = all_sites or not node.sites
        sites |= node.sites
        if "family" in node.audiences:
            families = max(families, node.approximate_users or 0)
        for role in node.audiences:
            if role not in ROLES:
                continue
            if not node.sites:
                every_site.add(role)
            else:
                role_sites.setdefault(role, set()).update(node.sites)
    count = 0
    for (site_id, role), n in people.counts.items():
        if role in every_site or (site_id is not None and site_id in role_sites.get(role, ())):
            count += n
    return {
        "people": count,
        "sites": tuple(
            sorted(((s, people.site_names.get(s, f"Site {s}")) for s in sites), key=_by_name)
        ),
        "all_sites": all_sites,
        "audiences": tuple(sorted(audiences, key=lambda a: (AUDIENCE_ORDER.get(a, 99), a))),
        "families": families,
    }


def _by_name(pair: tuple[int, str]) -> tuple[str, int]:
    return pair[1].casefold(), pair[0]


# ---- closures, cycles, blast radius -----------------------------------------------


def dependents_of(system_id: int) -> set[int]:
    """Every system that transitively depends on `system_id` (any edge), not itself."""
    graph = load_graph()
    return _closure(system_id, graph.dependents)


def depends_on_closure(system_id: int) -> set[int]:
    """Every system `system_id` transitively needs (any edge), not itself."""
    graph = load_graph()
    return _closure(system_id, graph.needs)


def _closure(start: int, edges: dict[int, list[tuple[int, bool]]]) -> set[int]:
    seen = {start}
    stack = [start]
    while stack:
        for v, _ in edges.get(stack.pop(), ()):
            if v not in seen:
                seen.add(v)
                stack.append(v)
    seen.discard(start)
    return seen
