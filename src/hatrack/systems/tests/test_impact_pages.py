"""The impact analysis page: who may open it, what it shows, what it costs."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hatrack.directory.models import Person, Site
from hatrack.systems import graph
from hatrack.systems.models import DependencyKind, Effect
from hatrack.systems.tests.factories import make_dependency, make_system

IMPACT = "/systems/impact/"


@pytest.fixture(autouse=True)
def fresh_graph():
    graph.clear_graph_cache()
    cache.delete(graph.POPULATION_CACHE_KEY)
    yield
    graph.clear_graph_cache()


@pytest.fixture
def district(db):
    north = Site.objects.create(name="North High", code="NH", kind=Site.Kind.HIGH)
    Person.objects.bulk_create(
        Person(given_name="S", family_name=f"N{n}", role="student", primary_site=north)
        for n in range(12)
    )
    sso = make_system(name="Single sign-on", tier=1, audiences=["student"])
    lms = make_system(name="Learning platform", tier=1, audiences=["student"])
    lms.sites.set([north])
    library = make_system(name="Library catalog", tier=3)
    make_dependency(lms, sso, kind=DependencyKind.AUTHENTICATES)
    make_dependency(library, lms, kind=DependencyKind.INTEGRATES, effect=Effect.DEGRADES)
    graph.bump_graph_version()
    return {"sso": sso, "lms": lms, "library": library, "north": north}


@pytest.mark.parametrize(
    ("persona", "status"),
    [("leader", 200), ("technician", 200), ("viewer", 200), ("staff", 403), ("outsider", 302)],
    indirect=["persona"],
)
def test_who_may_open_the_impact_page(persona, status):
    _, client = persona
    assert client.get(IMPACT).status_code == status


def test_with_nothing_selected_the_page_offers_the_systems_grouped_by_tier(viewer_client, district):
    page = viewer_client.get(IMPACT).content.decode()
    assert "Nothing marked as failed" in page
    assert "<legend>Tier 1: critical</legend>" in page
    assert f'id="failed-{district["sso"].id}"' in page
    assert f'<label for="failed-{district["sso"].id}">Single sign-on</label>' in page


def test_an_empty_catalog_says_so(viewer_client, db):
    page = viewer_client.get(IMPACT).content.decode()
    assert "No systems yet" in page


def test_marking_sso_failed_shows_what_fails_degrades_and_who_is_affected(viewer_client, district):
    page = viewer_client.get(IMPACT, {"failed": district["sso"].id}).content.decode()
    assert "Failed (selected)" in page
    result = page.split('id="impact-result-heading"')[1]
    order = [result.index(n) for n in ("Single sign-on", "Learning platform", "Library catalog")]
    assert order == sorted(order)
    assert "Fails</span>" in page
    assert "Degrades</span>" in page
    assert '"value">12</span><span class="label">people in the directory affected' in page
    assert "Every site" in page  # SSO has no sites: it serves every site
    assert "Students" in page
    assert f'href="/systems/map/?failed={district["sso"].id}"' in page


def test_a_system_that_is_not_in_the_catalog_gets_a_message_beside_the_field(
    viewer_client, district
):
    page = viewer_client.get(IMPACT, {"failed": "999999"}).content.decode()
    assert "999999 is not an active system" in page
    assert 'class="error"' in page
    assert "What happens" not in page


def test_the_page_costs_the_same_queries_for_one_system_or_many(viewer_client, district):
    failed = {"failed": district["sso"].id}
    viewer_client.get(IMPACT, failed)  # warm the graph and head counts
    with CaptureQueriesContext(connection) as few:
        viewer_client.get(IMPACT, failed)
    for n in range(40):
        make_dependency(make_system(name=f"App {n}", tier=2), district["sso"])
    graph.bump_graph_version()
    viewer_client.get(IMPACT, failed)
    with CaptureQueriesContext(connection) as many:
        response = viewer_client.get(IMPACT, failed)
    assert "App 39" in response.content.decode()
    assert len(many) == len(few)
    assert len(few) <= 5  # session, user, and one graph version check per graph read
