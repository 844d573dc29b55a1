"""The map of the systems: inline SVG, grouped by tier or kind, failures highlighted."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hatrack.systems import graph
from hatrack.systems.graph_map import truncate
from hatrack.systems.models import DependencyKind, Effect, Kind
from hatrack.systems.tests.factories import make_dependency, make_system

MAP = "/systems/map/"


@pytest.fixture(autouse=True)
def fresh_graph():
    graph.clear_graph_cache()
    cache.delete(graph.POPULATION_CACHE_KEY)
    yield
    graph.clear_graph_cache()


@pytest.fixture
def systems(db):
    sso = make_system(name="Single sign-on", tier=1, kind=Kind.IDENTITY)
    lms = make_system(name="Learning platform", tier=1, kind=Kind.LMS)
    library = make_system(name="Library catalog with a very long name indeed", tier=3)
    quiet = make_system(name="Quiet", tier=4)
    make_dependency(lms, sso, kind=DependencyKind.AUTHENTICATES)
    make_dependency(library, lms, kind=DependencyKind.INTEGRATES, effect=Effect.DEGRADES)
    graph.bump_graph_version()
    return {"sso": sso, "lms": lms, "library": library, "quiet": quiet}


@pytest.mark.parametrize(
    ("persona", "status"),
    [("leader", 200), ("technician", 200), ("viewer", 200), ("staff", 403), ("outsider", 302)],
    indirect=["persona"],
)
def test_who_may_open_the_map(persona, status):
    _, client = persona
    assert client.get(MAP).status_code == status


def test_the_map_is_inline_svg_with_every_system_linking_to_its_page(viewer_client, systems):
    page = viewer_client.get(MAP).content.decode()
    assert '<svg class="systems-map"' in page
    assert "<script" not in page.split('<svg class="systems-map"')[1].split("</svg>")[0]
    for system in systems.values():
        assert f'<a href="/systems/{system.id}/" class="map-node"' in page
    assert page.count('<line class="map-edge"') == 2
    assert "Tier 1: critical" in page


def test_long_names_are_truncated_with_the_full_name_in_a_tooltip(viewer_client, systems):
    page = viewer_client.get(MAP).content.decode()
    assert "<title>Library catalog with a very long name indeed (tier 3, Other)</title>" in page
    assert f">{truncate('Library catalog with a very long name indeed')}</text>" in page


def test_failed_and_impacted_systems_are_highlighted_with_markers(viewer_client, systems):
    page = viewer_client.get(MAP, {"failed": systems["sso"].id}).content.decode()
    sso, lms, library, quiet = (systems[k].id for k in ("sso", "lms", "library", "quiet"))
    assert f'class="map-node map-node-failed" data-system="{sso}"' in page
    assert f'class="map-node map-node-fails" data-system="{lms}"' in page
    assert f'class="map-node map-node-degrades" data-system="{library}"' in page
    assert f'class="map-node" data-system="{quiet}"' in page
    assert ">✕ Single sign-on</text>" in page
    assert "map-edge map-edge-hot" in page
    assert "1 failed, 1 fails with them, 1 degrades" in page


def test_the_map_groups_by_kind_on_request(viewer_client, systems):
    page = viewer_client.get(MAP, {"group": "kind"}).content.decode()
    assert "Single sign-on and identity" in page
    assert "Group by tier" in page


def test_an_empty_catalog_shows_an_empty_state(viewer_client, db):
    assert "No systems yet" in viewer_client.get(MAP).content.decode()


def test_the_map_costs_the_same_queries_at_few_and_many_systems(viewer_client, systems):
    viewer_client.get(MAP, {"failed": systems["sso"].id})
    with CaptureQueriesContext(connection) as few:
        viewer_client.get(MAP, {"failed": systems["sso"].id})
    for n in range(60):
        make_dependency(make_system(name=f"App {n}"), systems["sso"])
    graph.bump_graph_version()
    viewer_client.get(MAP, {"failed": systems["sso"].id})
    with CaptureQueriesContext(connection) as many:
        viewer_client.get(MAP, {"failed": systems["sso"].id})
    assert len(many) == len(few)


def test_an_unknown_grouping_falls_back_to_tier_and_keeps_the_failed_systems(
    viewer_client, systems
):
    page = viewer_client.get(MAP, {"group": "colour", "failed": systems["sso"].id}).content
    assert b"Grouped by tier." in page
    assert b"map-node map-node-failed" in page
