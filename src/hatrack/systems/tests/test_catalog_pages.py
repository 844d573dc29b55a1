import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hatrack.core.models import AuditEntry
from hatrack.directory.models import Person
from hatrack.directory.tests.factories import make_person, make_site
from hatrack.systems.models import Dependency, System
from hatrack.systems.tests.factories import (
    make_check,
    make_dependency,
    make_incident,
    make_system,
)

pytestmark = pytest.mark.django_db
LIST = reverse("systems:system_list")
CREATE = reverse("systems:system_create")


def names(response):
    return [row["name"] for row in response.context["rows"]]


def form_data(**overrides):
    data = {
        "name": "Learning platform",
        "kind": "lms",
        "tier": "1",
        "hosting": "saas",
        "privacy": "internal",
        "links": "",
    }
    data.update(overrides)
    return data


# --- Permissions ---------------------------------------------------------------------


def test_staff_may_not_open_the_catalog(staff_client):
    system = make_system()
    for url in (
        LIST,
        reverse("systems:system_detail", args=[system.pk]),
        CREATE,
        reverse("systems:system_edit", args=[system.pk]),
        reverse("systems:system_dependencies", args=[system.pk]),
    ):
        assert staff_client.get(url).status_code == 403


def test_a_viewer_reads_the_catalog_but_cannot_change_it(viewer_client):
    system = make_system(name="Email")
    dependency = make_dependency(system, make_system(name="SSO"))
    assert viewer_client.get(LIST).status_code == 200
    assert viewer_client.get(reverse("systems:system_detail", args=[system.pk])).status_code == 200
    assert viewer_client.get(CREATE).status_code == 403
    assert viewer_client.post(CREATE, form_data()).status_code == 403
    assert viewer_client.get(reverse("systems:system_edit", args=[system.pk])).status_code == 403
    deps = reverse("systems:system_dependencies", args=[system.pk])
    assert viewer_client.get(deps).status_code == 403
    delete = reverse("systems:dependency_delete", args=[dependency.pk])
    assert viewer_client.post(delete).status_code == 403
    assert Dependency.objects.filter(pk=dependency.pk).exists()
    assert System.objects.count() == 2


def test_a_technician_reads_but_does_not_edit_the_catalog(technician_client):
    system = make_system()
    assert technician_client.get(LIST).status_code == 200
    assert (
        technician_client.get(reverse("systems:system_edit", args=[system.pk])).status_code == 403
    )


# --- The list --------------------------------------------------------------------------


def test_the_list_filters_by_name_kind_tier_hosting_state_data_and_renewal(viewer_client):
    today = timezone.localdate()
    make_system(
        name="PowerSchool",
        kind="sis",
        tier=1,
        data_held=["student_records"],
        privacy="restricted",
        renewal_date=today + datetime.timedelta(days=20),
    )
    make_system(
        name="Canvas",
        kind="lms",
        tier=2,
        hosting="vendor_cloud",
        state="down",
        renewal_date=today + datetime.timedelta(days=200),
    )
    make_system(name="Old phones", kind="phones", tier=4, active=False)
    assert names(viewer_client.get(LIST)) == ["PowerSchool", "Canvas"]
    assert names(viewer_client.get(LIST, {"q": "canv"})) == ["Canvas"]
    assert names(viewer_client.get(LIST, {"kind": "sis"})) == ["PowerSchool"]
    assert names(viewer_client.get(LIST, {"tier": "2"})) == ["Canvas"]
    assert names(viewer_client.get(LIST, {"hosting": "vendor_cloud"})) == ["Canvas"]
    assert names(viewer_client.get(LIST, {"state": "down"})) == ["Canvas"]
    assert names(viewer_client.get(LIST, {"holds": "student_records"})) == ["PowerSchool"]
    assert names(viewer_client.get(LIST, {"renewal": "30"})) == ["PowerSchool"]
    assert names(viewer_client.get(LIST, {"active": "inactive"})) == ["Old phones"]


def test_the_list_shows_state_owner_vendor_and_cost(viewer_client):
    owner = make_person(role=Person.Role.STAFF, given_name="Dana", family_name="Ruiz")
    make_system(name="Payroll", state="degraded", owner=owner, annual_cost="1200.00")
    page = viewer_client.get(LIST).content.decode()
    assert 'class="state state-degraded"' in page
    assert "Dana Ruiz" in page
    assert "$1,200.00" in page


def test_the_list_exports_its_filtered_rows_as_csv(viewer_client):
    make_system(name="PowerSchool", kind="sis")
    make_system(name="=cmd", kind="lms")
    response = viewer_client.get(LIST, {"kind": "sis", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert "PowerSchool" in body
    assert "cmd" not in body


def _list_queries(client, django_assert_num_queries):
    client.get(LIST)
    # session, user, page, bounded count
    with django_assert_num_queries(4):
        client.get(LIST)


def test_the_list_costs_the_same_queries_for_one_row_and_fifty(
    viewer_client, django_assert_num_queries
):
    owner = make_person(role=Person.Role.STAFF)
    make_system(owner=owner)
    _list_queries(viewer_client, django_assert_num_queries)
    for _ in range(60):
        make_system(owner=owner)
    assert len(viewer_client.get(LIST).context["rows"]) == 50
    _list_queries(viewer_client, django_assert_num_queries)


def test_the_list_has_a_real_empty_state(viewer_client, leader_client):
    assert "No systems yet" in viewer_client.get(LIST).content.decode()
    assert "Add a system" in leader_client.get(LIST).content.decode()


# --- The detail page ------------------------------------------------------------------


def test_the_system_page_shows_both_directions_of_its_dependencies_and_a_cycle(viewer_client):
    sis, lms, sso = make_system(name="SIS"), make_system(name="LMS"), make_system(name="SSO")
    make_dependency(lms, sso, kind="authenticates")
    make_dependency(lms, sis, kind="receives_data")
    make_dependency(sis, lms, kind="receives_data")
    response = viewer_client.get(reverse("systems:system_detail", args=[lms.pk]))
    context = response.context
    assert [e.other_name for e in context["depends_on"]] == ["SIS", "SSO"]
    assert [(e.other_name, e.effect) for e in context["needed_by"]] == [("SIS", "degrades")]
    assert [c["name"] for c in context["cycle"]] == ["SIS"]
    page = response.content.decode()
    assert "Dependency cycle" in page
    assert f"?failed={lms.pk}" in page


def test_the_system_page_shows_owners_sites_data_and_sanitized_runbook(viewer_client):
    owner = make_person(role=Person.Role.STAFF, given_name="Ana", family_name="Diaz")
    site = make_site(name="North High")
    system = make_system(
        name="Nurse office",
        owner=owner,
        data_held=["health"],
        privacy="restricted",
        runbook_html="<p><strong>Step</strong></p>",
        links=[{"title": "Guide", "url": "https://x.org/"}],
    )
    system.sites.set([site])
    page = viewer_client.get(reverse("systems:system_detail", args=[system.pk])).content.decode()
    assert reverse("directory:person_detail", args=[owner.pk]) in page
    assert "North High" in page
    assert "Health" in page
    assert "<strong>Step</strong>" in page
    assert 'href="https://x.org/"' in page


def test_the_system_page_lists_its_checks_and_open_incidents(viewer_client):
    system = make_system()
    check = make_check(system, name="Login page")
    incident = make_incident(system, title="Login fails")
    page = viewer_client.get(reverse("systems:system_detail", args=[system.pk])).content.decode()
    assert reverse("systems:check_detail", args=[check.pk]) in page
    assert reverse("systems:incident_detail", args=[incident.pk]) in page


# --- The form --------------------------------------------------------------------------


def test_a_leader_adds_a_system_with_an_owner_named_by_email(leader_client):
    owner = make_person(role=Person.Role.STAFF, email="it.lead@example.org")
    response = leader_client.post(
        CREATE, form_data(owner="IT.Lead@example.org", links="Guide | https://example.org/g")
    )
    system = System.objects.get(name="Learning platform")
    assert response.status_code == 302
    assert response["Location"] == reverse("systems:system_detail", args=[system.pk])
    assert system.owner == owner
    assert system.links == [{"title": "Guide", "url": "https://example.org/g"}]
    assert AuditEntry.objects.filter(object_id=str(system.pk), action="create").exists()


def test_bad_form_input_shows_errors_beside_the_fields_and_changes_nothing(leader_client):
    make_person(role=Person.Role.STUDENT, email="kid@example.org")
    response = leader_client.post(
        CREATE,
        form_data(
            owner="kid@example.org",
            data_held=["health"],
            links="Bad | javascript:alert(1)",
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "owner" in errors
    assert not System.objects.exists()
    response = leader_client.post(
        CREATE, form_data(data_held=["health"], links="Bad | javascript:alert(1)")
    )
    errors = response.context["form"].errors
    assert "links" in errors or "privacy" in errors
    assert not System.objects.exists()
    assert not AuditEntry.objects.exists()


def test_editing_a_system_keeps_its_sites_and_links_in_the_form(leader_client):
    site = make_site()
    system = make_system(name="Phones", links=[{"title": "Docs", "url": "https://p.org/"}])
    system.sites.set([site])
    url = reverse("systems:system_edit", args=[system.pk])
    form = leader_client.get(url).context["form"]
    assert form.initial["links"] == "Docs | https://p.org/"
    assert form.initial["sites"] == [site.pk]
    response = leader_client.post(
        url,
        form_data(
            name="Phones", kind="phones", tier="2", sites=[site.pk], links="Docs | https://p.org/"
        ),
    )
    assert response.status_code == 302
    system.refresh_from_db()
    assert (system.kind, system.tier) == ("phones", 2)
    assert list(system.sites.all()) == [site]


# --- Dependencies ---------------------------------------------------------------------


def test_a_leader_adds_and_removes_a_dependency(leader_client):
    lms, sso = make_system(name="LMS"), make_system(name="SSO")
    url = reverse("systems:system_dependencies", args=[lms.pk])
    assert leader_client.get(url).status_code == 200
    response = leader_client.post(url, {"depends_on": sso.pk, "kind": "authenticates"})
    assert response.status_code == 302
    dependency = Dependency.objects.get()
    assert (dependency.system, dependency.depends_on, dependency.effect) == (lms, sso, "fails")
    back = reverse("systems:system_dependencies", args=[sso.pk])
    delete = reverse("systems:dependency_delete", args=[dependency.pk])
    response = leader_client.post(delete, {"back": str(sso.pk)})
    assert response["Location"] == back
    assert not Dependency.objects.exists()
    assert leader_client.get(delete).status_code == 405


def test_a_duplicate_dependency_is_refused_on_the_page(leader_client):
    lms, sso = make_system(name="LMS"), make_system(name="SSO")
    make_dependency(lms, sso, kind="authenticates")
    url = reverse("systems:system_dependencies", args=[lms.pk])
    response = leader_client.post(url, {"depends_on": sso.pk, "kind": "authenticates"})
    assert response.status_code == 400
    assert "already recorded" in response.content.decode()
    assert Dependency.objects.count() == 1


def test_a_system_cannot_be_chosen_to_depend_on_itself(leader_client):
    lms = make_system(name="LMS")
    url = reverse("systems:system_dependencies", args=[lms.pk])
    response = leader_client.post(url, {"depends_on": lms.pk, "kind": "runs_on"})
    assert response.status_code == 400
    assert "depends_on" in response.context["form"].errors
    assert not Dependency.objects.exists()
