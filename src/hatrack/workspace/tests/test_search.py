import pytest
from django.urls import reverse

from hatrack.directory.tests.factories import make_department, make_person, make_site

pytestmark = pytest.mark.django_db
SEARCH = reverse("search")


def groups(response):
    return {g.key: [hit.title for hit in g.hits] for g in response.context["groups"]}


def test_search_finds_people_sites_and_departments_grouped(viewer_client):
    make_person(given_name="Jo", family_name="Lincoln")
    make_site(name="Lincoln High", code="LHS")
    make_department(name="Lincoln Foundation", code="LF")
    make_site(name="Oak Elementary", code="OAK")
    found = groups(viewer_client.get(SEARCH, {"q": "linc"}))
    assert found == {
        "people": ["Jo Lincoln"],
        "sites": ["Lincoln High"],
        "departments": ["Lincoln Foundation"],
    }


def test_search_links_each_hit_to_its_page(viewer_client):
    site = make_site(name="Lincoln High")
    person = make_person(given_name="Jo", family_name="Smith")
    body = viewer_client.get(SEARCH, {"q": "lincoln"}).content.decode()
    assert f'href="{site.get_absolute_url()}"' in body
    body = viewer_client.get(SEARCH, {"q": "smith, jo"}).content.decode()
    assert f'href="{person.get_absolute_url()}"' in body


def test_search_matches_every_word_of_a_site_name(viewer_client):
    make_site(name="Lincoln High School", code="LHS")
    make_site(name="Lincoln Elementary", code="LES")
    assert groups(viewer_client.get(SEARCH, {"q": "lincoln high"}))["sites"] == [
        "Lincoln High School"
    ]


def test_search_finds_a_person_by_email_or_sis_id(viewer_client):
    make_person(given_name="Jo", family_name="Smith", email="jo.smith@mvusd.org", sis_id="700123")
    assert groups(viewer_client.get(SEARCH, {"q": "jo.smith@"}))["people"] == ["Jo Smith"]
    assert groups(viewer_client.get(SEARCH, {"q": "700123"}))["people"] == ["Jo Smith"]


def test_search_offers_the_full_list_when_there_are_more_hits(viewer_client):
    for n in range(12):
        make_person(given_name=f"G{n}", family_name="Smith")
    response = viewer_client.get(SEARCH, {"q": "smith"})
    people = response.context["groups"][0]
    assert len(people.hits) == 10
    assert people.more
    assert f"{reverse('directory:person_list')}?q=smith" in response.content.decode()


def test_an_empty_search_invites_a_query(viewer_client):
    response = viewer_client.get(SEARCH)
    assert response.status_code == 200
    assert "What are you looking for?" in response.content.decode()


def test_a_search_without_hits_says_so(viewer_client):
    make_person(family_name="Smith")
    body = viewer_client.get(SEARCH, {"q": "zzyzx"}).content.decode()
    assert "Nothing matches" in body
    assert "zzyzx" in body


def test_punctuation_alone_is_treated_as_an_empty_search(viewer_client):
    response = viewer_client.get(SEARCH, {"q": "%%% !!"})
    assert response.context["groups"] == []


@pytest.mark.parametrize("role", ["leader", "technician", "viewer"])
def test_readers_may_search(client_for, role):
    from hatrack.conftest import make_user

    assert client_for(make_user(role)).get(SEARCH, {"q": "x"}).status_code == 200


def test_staff_may_not_search(staff_client):
    assert staff_client.get(SEARCH, {"q": "smith"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in_from_search(client):
    assert client.get(SEARCH, {"q": "smith"}).status_code == 302
