"""Benchmark: impact analysis on 5,000 systems and 25,000 dependencies (issue 5, target 1).

Target: `impact_of()` answers in a median under 50 ms with the graph warm in memory.

    uv run python bench/impact_analysis.py                      # SQLite, temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatrack_impactbench \\
        uv run python bench/impact_analysis.py                  # PostgreSQL (recreated)
    uv run python bench/impact_analysis.py --systems 1000 --dependencies 5000 --runs 50

It builds its own database (a temporary SQLite file unless DATABASE_URL is set; the
PostgreSQL database named there is dropped and created again): the synthetic district
of `synthetic_district` (40 sites, 20,000 people), then `--systems` systems and
`--dependencies` dependencies shaped like a district's: a few hubs (single sign-on,
network core, firewall, directory sync) that a third of the systems authenticate
through or run on, layered dependencies on earlier systems with a preference for the
popular ones, and a few back edges so the graph has cycles; half the systems serve 1
to 3 sites, the rest every site. Then it times, over `--runs` random failed sets of 1
to 3 systems (a third of them including SSO): the cold load of the graph (three
queries and building it), the first call with cold people counts, and warm
`impact_of()` calls (median and 95th percentile, each including its version check
query), and prints the mean number of systems reached.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from synthetic_district import load_people, start_django
from synthetic_fleet import insert

TARGET_MS = 50
HUBS = ["Single sign-on", "Network core", "Firewall", "Directory sync"]


def build_graph(systems: int, dependencies: int, *, seed: int = 1) -> None:
    """Write `systems` systems and about `dependencies` distinct dependencies."""
    from django.db import connection

    from hatrack.directory.models import Site
    from hatrack.systems.graph import bump_graph_version
    from hatrack.systems.models import Kind

    rng = random.Random(seed)
    kinds = [k.value for k in Kind]
    audiences = [["student"], ["student", "teacher"], ["staff"], ["teacher", "family"]]
    started = time.perf_counter()
    names = HUBS + [f"System {n:05d}" for n in range(len(HUBS), systems)]
    insert(
        "systems_system",
        SYSTEM_FIELDS,
        (_system_row(n, name, rng, kinds, audiences) for n, name in enumerate(names)),
    )
    ids = list(_ids())
    site_ids = list(Site.objects.values_list("id", flat=True))
    site_rows = [
        (pk, site) for pk in ids[len(HUBS) :: 2] for site in rng.sample(site_ids, rng.randint(1, 3))
    ]
    insert("systems_system_sites", ("system_id", "site_id"), site_rows)
    insert("systems_dependency", DEPENDENCY_FIELDS, _dependency_rows(ids, dependencies, rng))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    bump_graph_version()
    elapsed = time.perf_counter() - started
    print(f"built {systems:,} systems and their dependencies in {elapsed:.1f} s")


SYSTEM_FIELDS = (
    "name", "kind", "description", "hosting", "tier", "audiences", "approximate_users",
    "data_held", "privacy", "has_failover", "runbook", "runbook_html", "continuity_plan",
    "continuity_html", "links", "published", "public_name", "public_description", "state",
    "active", "created_at", "updated_at",
)  # fmt: skip
DEPENDENCY_FIELDS = (
    "system_id",
    "depends_on_id",
    "kind",
    "effect",
    "note",
    "created_at",
    "updated_at",
)


def _system_row(
    n: int, name: str, rng: random.Random, kinds: list[str], audiences: list[list[str]]
) -> tuple:
    import json

    from django.utils import timezone

    now = timezone.now()
    audience = audiences[n % len(audiences)]
    users = rng.randint(50, 5000) if "family" in audience else None
    tier = 1 if n < len(HUBS) else 1 + min(int(rng.expovariate(0.7)), 3)
    return (
        name, kinds[n % len(kinds)], "", "saas", tier, json.dumps(audience), users, "[]",
        "internal", n % 7 == 0, "", "", "", "", "[]", False, "", "", "unknown", True, now, now,
    )  # fmt: skip


def _ids() -> list[int]:
    from hatrack.systems.models import System

    return list(System.objects.order_by("id").values_list("id", flat=True))


def _dependency_rows(ids: list[int], target: int, rng: random.Random) -> list[tuple]:
    from django.utils import timezone

    now = timezone.now()
    kinds = [("authenticates", "fails"), ("runs_on", "fails"), ("network_path", "fails"),
             ("receives_data", "degrades"), ("integrates", "degrades")]  # fmt: skip
    hubs = ids[: len(HUBS)]
    pairs: set[tuple[int, int, str]] = set()
    rows = []

    def add(system: int, depends_on: int, kind: str, effect: str) -> None:
        if system != depends_on and (system, depends_on, kind) not in pairs:
            pairs.add((system, depends_on, kind))
            rows.append((system, depends_on, kind, effect, "", now, now))

    for pk in ids[len(hubs) :]:
        if rng.random() < 0.35:
            add(pk, hubs[0], "authenticates", "fails")
        if rng.random() < 0.3:
            add(pk, hubs[1], "network_path", "fails")
    for hub in hubs[2:]:
        add(hub, hubs[1], "runs_on", "fails")
    popular = ids[: max(len(ids) // 20, 10)]
    while len(rows) < target:
        n = rng.randrange(len(hubs), len(ids))
        pk = ids[n]
        if rng.random() < 0.02:  # a back edge: later system feeding an earlier one (cycles)
            other = ids[rng.randrange(n, len(ids))]
        elif rng.random() < 0.5:
            other = rng.choice(popular)
        else:
            other = ids[rng.randrange(0, n)] if n else hubs[0]
        kind, effect = rng.choice(kinds)
        if rng.random() < 0.3:  # an edge kind's default effect is often overridden
            effect = "degrades" if effect == "fails" else "fails"
        add(pk, other, kind, effect)
    return rows


def run(runs: int, seed: int = 2) -> bool:
    from django.core.cache import cache
    from django.db import connection

    from hatrack.systems import graph

    rng = random.Random(seed)
    graph.clear_graph_cache()
    cache.delete(graph.POPULATION_CACHE_KEY)
    started = time.perf_counter()
    loaded = graph.load_graph()
    cold_load = (time.perf_counter() - started) * 1000
    edges = sum(len(v) for v in loaded.dependents.values())
    ids = sorted(loaded.nodes)
    sso = ids[0]
    started = time.perf_counter()
    graph.impact_of([sso])
    first = (time.perf_counter() - started) * 1000
    times, cpu, reached = [], [], []
    for n in range(runs):
        failed = rng.sample(ids, rng.randint(1, 3))
        if n % 3 == 0:
            failed[0] = sso
        started, started_cpu = time.perf_counter(), time.process_time()
        result = graph.impact_of(failed)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        reached.append(len(result.systems))
    started = time.perf_counter()
    sso_only = [graph.impact_of([sso]) for _ in range(20)]
    sso_ms = (time.perf_counter() - started) * 1000 / 20
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1]
    vendor = connection.vendor
    print(f"graph: {len(loaded.nodes):,} active systems, {edges:,} distinct edges ({vendor})")
    print(f"cold load of the graph (3 queries + build):   {cold_load:8.1f} ms")
    print(f"first impact_of(SSO), people counts cold:     {first:8.1f} ms")
    print(
        f"warm impact_of, {runs} random sets of 1-3:     median {median:6.1f} ms, p95 {p95:6.1f} ms"
    )
    print(f"  CPU time of this process: median {statistics.median(cpu):6.1f} ms")
    print(f"  systems reached per set: mean {statistics.mean(reached):,.0f}, max {max(reached):,}")
    reach = len(sso_only[0].systems)
    print(f"warm impact_of(SSO alone):                     {sso_ms:8.1f} ms, reaches {reach:,}")
    ok = median < TARGET_MS
    print(f"target: median under {TARGET_MS} ms: {'met' if ok else 'NOT met'}")
    whole_graph()
    return ok


def whole_graph() -> None:
    """The leader's report walks the whole graph: blast radius and single points of
    failure for every system (no target in the issue; reported for the record)."""
    from hatrack.systems import graph_risks

    for name, analysis in (
        ("blast_radius()", graph_risks.blast_radius),
        ("single_points_of_failure()", graph_risks.single_points_of_failure),
        ("cycles()", graph_risks.cycles),
    ):
        started = time.perf_counter()
        rows = analysis()
        print(f"{name + ', every system:':<47}{(time.perf_counter() - started) * 1000:8.1f} ms"
              f" ({len(rows):,} rows)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--systems", type=int, default=5_000)
    parser.add_argument("--dependencies", type=int, default=25_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    start_django(name="impact")
    load_people(args.people, seed=1)
    build_graph(args.systems, args.dependencies)
    sys.exit(0 if run(args.runs) else 1)


if __name__ == "__main__":
    main()
