"""The dependency graph: propagation, worst-wins, depth, people, cycles, blast radius."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from hatrack.directory.models import Person, Site
from hatrack.directory.tests.factories import make_person, make_site
from hatrack.systems import graph, graph_risks
from hatrack.systems.models import DependencyKind, Effect
from hatrack.systems.tests.factories import make_dependency, make_system

pytestmark = pytest.mark.django_db

FAILS, DEGRADES = Effect.FAILS, Effect.DEGRADES


@pytest.fixture(autouse=True)
def fresh_graph():
    graph.clear_graph_cache()
    cache.delete(graph.POPULATION_CACHE_KEY)
    yield
    graph.clear_graph_cache()


def needs(system, depends_on, effect=FAILS):
    kind = DependencyKind.AUTHENTICATES if effect == FAILS else DependencyKind.INTEGRATES
    return make_dependency(system, depends_on, kind=kind, effect=effect)


def effects(impact):
    return {s.name: s.effect for s in impact.systems}


def test_a_fails_edge_from_a_failed_system_makes_its_dependent_fail():
    sso, lms = make_system(name="SSO"), make_system(name="LMS")
    needs(lms, sso)
    assert effects(graph.impact_of([sso.id])) == {"SSO": "failed", "LMS": "fails"}


def test_a_degrades_edge_makes_the_dependent_degrade():
    sis, lms = make_system(name="SIS"), make_system(name="LMS")
    needs(lms, sis, DEGRADES)
    assert effects(graph.impact_of([sis.id]))["LMS"] == "degrades"


def test_a_degraded_system_only_degrades_its_dependents_even_over_fails_edges():
    sis, lms, app = make_system(name="SIS"), make_system(name="LMS"), make_system(name="App")
    needs(lms, sis, DEGRADES)
    needs(app, lms, FAILS)
    assert effects(graph.impact_of([sis.id])) == {
        "SIS": "failed",
        "LMS": "degrades",
        "App": "degrades",
    }


def test_failure_travels_along_chains_of_fails_edges():
    net, sso, lms = make_system(name="Net"), make_system(name="SSO"), make_system(name="LMS")
    needs(sso, net)
    needs(lms, sso)
    result = graph.impact_of([net.id])
    assert effects(result) == {"Net": "failed", "SSO": "fails", "LMS": "fails"}
    assert {s.name: s.depth for s in result.systems} == {"Net": 0, "SSO": 1, "LMS": 2}


def test_a_system_reached_both_ways_fails_and_names_only_its_failing_causes():
    net, sis, lms = make_system(name="Net"), make_system(name="SIS"), make_system(name="LMS")
    needs(sis, net, FAILS)
    needs(lms, sis, DEGRADES)
    needs(lms, net, FAILS)
    result = graph.impact_of([net.id])
    lms_row = next(s for s in result.systems if s.name == "LMS")
    assert lms_row.effect == "fails"
    assert lms_row.via == (net.id,)
    assert lms_row.depth == 1


def test_a_degraded_system_names_every_impacted_parent_as_its_cause():
    a, b, c = make_system(name="A"), make_system(name="B"), make_system(name="C")
    needs(c, a, DEGRADES)
    needs(c, b, DEGRADES)
    row = next(s for s in graph.impact_of([a.id, b.id]).systems if s.name == "C")
    assert row.via == tuple(sorted((a.id, b.id)))


def test_results_list_selected_then_failing_then_degraded_each_by_tier_then_name():
    hub = make_system(name="Hub", tier=3)
    zeta, alpha = make_system(name="Zeta", tier=1), make_system(name="Alpha", tier=2)
    beta, gamma = make_system(name="Beta", tier=1), make_system(name="Gamma", tier=4)
    needs(zeta, hub)
    needs(alpha, hub)
    needs(beta, hub, DEGRADES)
    needs(gamma, hub, DEGRADES)
    names = [s.name for s in graph.impact_of([hub.id]).systems]
    assert names == ["Hub", "Zeta", "Alpha", "Beta", "Gamma"]


def test_cycles_are_walked_once_and_reported():
    a, b, c = make_system(name="A"), make_system(name="B"), make_system(name="C")
    lone = make_system(name="Lone")
    needs(a, b)
    needs(b, c)
    needs(c, a)
    needs(lone, a)
    assert effects(graph.impact_of([a.id])) == {
        "A": "failed",
        "B": "fails",
        "C": "fails",
        "Lone": "fails",
    }
    assert graph_risks.cycles() == [sorted([a.id, b.id, c.id])]


def test_a_graph_without_cycles_reports_none():
    a, b = make_system(), make_system()
    needs(a, b)
    assert graph_risks.cycles() == []


def test_unknown_and_inactive_systems_are_ignored():
    gone = make_system(active=False)
    result = graph.impact_of([gone.id, 999_999])
    assert result.selected == ()
    assert result.systems == ()
    assert result.people == 0


def test_closures_follow_any_edge_transitively():
    net, sso, lms = make_system(), make_system(), make_system()
    needs(sso, net)
    needs(lms, sso, DEGRADES)
    assert graph.dependents_of(net.id) == {sso.id, lms.id}
    assert graph.depends_on_closure(lms.id) == {sso.id, net.id}


def _people(site, role, count):
    Person.objects.bulk_create(
        Person(given_name="P", family_name=f"N{n}", role=role, primary_site=site)
        for n in range(count)
    )


def test_people_are_counted_once_over_the_union_of_sites_and_roles():
    north = Site.objects.create(name="North", code="N", kind=Site.Kind.HIGH)
    south = Site.objects.create(name="South", code="S", kind=Site.Kind.HIGH)
    _people(north, "student", 5)
    _people(south, "student", 7)
    _people(north, "teacher", 2)
    _people(None, "teacher", 1)
    Person.objects.create(given_name="Gone", family_name="X", role="student",
                          primary_site=south, active=False)  # fmt: skip
    sso = make_system(name="SSO", audiences=["student"])
    sso.sites.set([north])
    lms = make_system(name="LMS", audiences=["student", "teacher"])
    lms.sites.set([north])
    needs(lms, sso)
    result = graph.impact_of([sso.id])
    assert result.people == 5 + 2
    assert result.sites == ((north.id, "North"),)
    assert result.all_sites is False
    assert result.audiences == ("student", "teacher")


def test_a_system_without_sites_affects_its_roles_everywhere_including_unsited_people():
    north = Site.objects.create(name="North", code="N", kind=Site.Kind.HIGH)
    _people(north, "teacher", 2)
    _people(None, "teacher", 1)
    _people(north, "student", 4)
    email = make_system(audiences=["teacher"])
    result = graph.impact_of([email.id])
    assert result.people == 3
    assert result.all_sites is True


def test_families_are_a_separate_figure_from_the_largest_estimate():
    portal = make_system(audiences=["family"], approximate_users=900)
    app = make_system(audiences=["family", "student"], approximate_users=400)
    needs(app, portal)
    result = graph.impact_of([portal.id])
    assert result.families == 900
    assert result.people == 0
    assert result.as_json()["families"] == 900


def test_as_json_lists_failed_and_degraded_ids():
    sso, lms, app = make_system(), make_system(), make_system()
    needs(lms, sso)
    needs(app, sso, DEGRADES)
    data = graph.impact_of([sso.id]).as_json()
    assert data["failed"] == [sso.id, lms.id]
    assert data["degraded"] == [app.id]
    assert set(data) >= {"people", "sites", "all_sites", "audiences"}


def test_a_graph_change_bumps_the_version_and_is_seen_by_the_next_call():
    sso, lms = make_system(name="SSO"), make_system(name="LMS")
    graph.bump_graph_version()
    assert effects(graph.impact_of([sso.id])) == {"SSO": "failed"}
    needs(lms, sso)
    assert effects(graph.impact_of([sso.id])) == {"SSO": "failed"}  # cached until bumped
    graph.bump_graph_version()
    assert effects(graph.impact_of([sso.id])) == {"SSO": "failed", "LMS": "fails"}


def test_bumping_creates_the_settings_row_and_counts_up():
    from hatrack.systems.models import SystemsSettings

    graph.bump_graph_version()
    graph.bump_graph_version()
    assert SystemsSettings.objects.get(pk=1).graph_version == 2


def test_a_cached_graph_costs_one_query(django_assert_num_queries):
    sso = make_system()
    graph.bump_graph_version()
    graph.impact_of([sso.id])
    with django_assert_num_queries(1):
        graph.impact_of([sso.id])


def test_blast_radius_counts_every_system_failing_or_degrading_with_each():
    sso, lms, app, lone = make_system(), make_system(), make_system(), make_system()
    needs(lms, sso)
    needs(app, lms, DEGRADES)
    rows = graph_risks.blast_radius()
    assert rows[0] == (sso.id, 2, 0)
    assert {pk: n for pk, n, _ in rows} == {sso.id: 2, lms.id: 1, app.id: 0, lone.id: 0}


def test_blast_radius_matches_impact_on_a_graph_with_cycles():
    systems = [make_system() for _ in range(8)]
    for a, b in [(0, 1), (1, 2), (2, 0), (3, 2), (4, 3), (5, 4), (6, 5), (5, 7), (7, 5)]:
        needs(systems[a], systems[b], FAILS if a % 2 else DEGRADES)
    for pk, count, _people in graph_risks.blast_radius():
        assert count == len(graph.impact_of([pk]).systems) - 1


def test_single_points_of_failure_are_critical_hubs_without_failover():
    sso = make_system(name="SSO", tier=1)
    backed = make_system(name="Backed", tier=1, has_failover=True)
    critical = [make_system(tier=1) for _ in range(3)]
    minor = make_system(tier=4)
    for system in critical:
        needs(system, sso)
        needs(system, backed)
    needs(minor, sso)
    rows = graph_risks.single_points_of_failure(min_dependents=3)
    assert [r["name"] for r in rows] == ["SSO"]
    assert rows[0]["critical_dependents"] == 3
    assert rows[0]["fails"] == 4
    assert graph_risks.single_points_of_failure(min_dependents=4) == []


def test_blast_radius_counts_the_people_impact_analysis_counts_for_each_system():
    north, south = make_site(name="North"), make_site(name="South")
    for site, role, n in [(north, "student", 3), (south, "student", 2), (south, "teacher", 2)]:
        for _ in range(n):
            make_person(primary_site=site, role=role)
    make_person(role="staff")  # no primary site: counted by systems serving every site
    sso = make_system(audiences=["student", "teacher", "staff"])
    lms = make_system(audiences=["student"])
    lms.sites.set([north])
    grades = make_system(audiences=["teacher"])
    grades.sites.set([south])
    needs(lms, sso)
    needs(grades, lms, DEGRADES)
    graph.bump_graph_version()

    for pk, _count, people in graph_risks.blast_radius():
        assert people == graph.impact_of([pk]).people
