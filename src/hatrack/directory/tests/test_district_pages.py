import pytest
from django.urls import reverse

from hatrack.core.models import AuditEntry
from hatrack.directory.models import District
from hatrack.directory.tests.factories import make_district

pytestmark = pytest.mark.django_db
PAGE = reverse("directory:district")
EDIT = reverse("directory:district_edit")
VALID = {
    "name": "Maple Valley Unified",
    "nces_lea_id": "4100001",
    "state": "OR",
    "enrollment": "9000",
    "locale": "22",
    "time_zone": "America/Los_Angeles",
    "website": "https://mvusd.org",
    "email_domains": "mvusd.org, students.mvusd.org",
}


def test_without_a_profile_the_leader_is_invited_to_set_it_up(leader_client):
    body = leader_client.get(PAGE).content.decode()
    assert "Set up the district profile" in body
    assert EDIT in body


def test_without_a_profile_a_viewer_is_told_it_is_not_set_up(viewer_client):
    body = viewer_client.get(PAGE).content.decode()
    assert "No district profile yet" in body
    assert EDIT not in body


def test_the_first_save_creates_the_district_and_audits_it(leader_client):
    response = leader_client.post(EDIT, VALID)
    assert response["Location"] == PAGE
    district = District.objects.get()
    assert (district.pk, district.name, district.enrollment) == (1, "Maple Valley Unified", 9000)
    assert AuditEntry.objects.filter(action="create", object_id="1").exists()


def test_the_profile_page_shows_every_fact(viewer_client):
    make_district(
        name="Maple Valley Unified",
        nces_lea_id="4100001",
        locale="22",
        time_zone="America/Los_Angeles",
        website="https://mvusd.org",
        email_domains="mvusd.org",
        enrollment=9000,
    )
    body = viewer_client.get(PAGE).content.decode()
    for text in ("Maple Valley Unified", "4100001", "OR", "9,000", "Suburb: midsize",
                 "America/Los_Angeles", "https://mvusd.org", "mvusd.org"):  # fmt: skip
        assert text in body


def test_a_bad_nces_id_is_explained_and_the_profile_stays_as_it_was(leader_client):
    make_district(nces_lea_id="4100001")
    response = leader_client.post(EDIT, {**VALID, "nces_lea_id": "41x"})
    assert "An NCES district (LEA) id has exactly 7 digits." in response.content.decode()
    assert District.objects.get().nces_lea_id == "4100001"


def test_an_unknown_time_zone_is_explained(leader_client):
    response = leader_client.post(EDIT, {**VALID, "time_zone": "Mars/Olympus"})
    assert "Not a time zone we know" in response.content.decode()
    assert not District.objects.exists()


def test_editing_the_profile_renames_the_district_in_the_layout(
    leader_client, django_capture_on_commit_callbacks
):
    make_district(name="Maple Valley")
    leader_client.get(PAGE)
    with django_capture_on_commit_callbacks(execute=True):
        leader_client.post(EDIT, VALID)
    assert "Maple Valley Unified" in leader_client.get(PAGE).content.decode().split("</header>")[0]


@pytest.mark.parametrize("role", ["technician", "viewer"])
def test_readers_cannot_edit_the_profile(client_for, role):
    from hatrack.conftest import make_user

    client = client_for(make_user(role))
    make_district()
    assert client.get(PAGE).status_code == 200
    assert EDIT not in client.get(PAGE).content.decode()
    assert client.post(EDIT, VALID).status_code == 403


def test_staff_are_refused_the_district_profile(staff_client):
    assert staff_client.get(PAGE).status_code == 403
