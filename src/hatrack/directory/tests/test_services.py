import pytest
from django.core.exceptions import ValidationError

from hatrack.core.models import AuditEntry
from hatrack.directory import services
from hatrack.directory.models import Department, District, Person, Site
from hatrack.directory.tests.factories import make_district, make_person, make_site

pytestmark = pytest.mark.django_db


def test_create_person_writes_the_person_and_an_audit_entry(leader):
    person = services.create_person(
        by=leader, given_name="Zoë", family_name="O’Brien", role=Person.Role.TEACHER
    )
    entry = AuditEntry.objects.get(object_id=str(person.pk), action="create")
    assert entry.actor == leader
    assert entry.changes["given_name"] == "Zoë"
    assert person.family_key == "o'brien"


def test_update_person_records_before_and_after(leader):
    person = make_person(given_name="Jo", family_name="Smith")
    services.update_person(person=person, by=leader, family_name="Smyth")
    entry = AuditEntry.objects.get(object_id=str(person.pk), action="update")
    assert entry.changes == {"family_name": ["Smith", "Smyth"]}
    assert person.family_key == "smyth"


def test_update_person_with_no_change_writes_no_audit_entry(leader):
    person = make_person(given_name="Jo", family_name="Smith")
    services.update_person(person=person, by=leader, family_name="Smith")
    assert not AuditEntry.objects.filter(action="update").exists()


def test_a_person_without_a_family_name_is_refused_and_nothing_is_written(leader):
    with pytest.raises(ValidationError) as error:
        services.create_person(by=leader, given_name="Jo", family_name="", role="student")
    assert "family_name" in error.value.message_dict
    assert not Person.objects.exists()
    assert not AuditEntry.objects.exists()


def test_deactivating_a_person_keeps_the_record_and_audits_it(leader):
    person = make_person()
    services.set_person_active(person=person, active=False, by=leader)
    person.refresh_from_db()
    assert person.active is False
    entry = AuditEntry.objects.get(object_id=str(person.pk), action="update")
    assert entry.changes == {"active": [True, False]}


def test_reactivating_a_person_restores_them(leader):
    person = make_person(active=False)
    services.set_person_active(person=person, active=True, by=leader)
    person.refresh_from_db()
    assert person.active is True


def test_a_duplicate_site_code_is_refused_and_nothing_is_written(leader):
    make_site(code="LHS")
    with pytest.raises(ValidationError) as error:
        services.create_site(by=leader, name="Other", code="LHS", kind=Site.Kind.HIGH)
    assert "code" in error.value.message_dict
    assert Site.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_a_bad_nces_school_id_is_refused(leader):
    with pytest.raises(ValidationError) as error:
        services.create_site(
            by=leader, name="Lincoln", code="LIN", kind=Site.Kind.HIGH, nces_school_id="12ab"
        )
    assert "nces_school_id" in error.value.message_dict


def test_an_empty_nces_school_id_is_stored_as_none_so_many_sites_can_leave_it_empty(leader):
    one = services.create_site(by=leader, name="A", code="A", kind="office", nces_school_id="")
    two = services.create_site(by=leader, name="B", code="B", kind="office", nces_school_id="")
    assert one.nces_school_id is None
    assert two.nces_school_id is None


def test_a_site_whose_highest_grade_comes_first_is_refused(leader):
    with pytest.raises(ValidationError) as error:
        services.create_site(
            by=leader, name="Odd", code="ODD", kind="elementary", grade_low="05", grade_high="KG"
        )
    assert "grade_high" in error.value.message_dict
    assert not Site.objects.exists()


def test_update_site_records_before_and_after(leader):
    site = make_site(name="Lincoln", code="LIN")
    services.update_site(site=site, by=leader, name="Lincoln High", active=False)
    entry = AuditEntry.objects.get(object_id=str(site.pk), action="update")
    assert entry.changes == {"name": ["Lincoln", "Lincoln High"], "active": [True, False]}


def test_a_failed_site_update_leaves_the_stored_site_unchanged(leader):
    make_site(code="TAKEN")
    site = make_site(name="Lincoln", code="LIN")
    with pytest.raises(ValidationError):
        services.update_site(site=site, by=leader, name="Renamed", code="TAKEN")
    site.refresh_from_db()
    assert (site.name, site.code) == ("Lincoln", "LIN")
    assert not AuditEntry.objects.exists()


def test_create_and_update_department_are_audited(leader):
    head = make_person(role=Person.Role.STAFF)
    department = services.create_department(by=leader, name="Technology", code="TECH")
    services.update_department(department=department, by=leader, head=head)
    actions = list(
        AuditEntry.objects.filter(object_id=str(department.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "update"]
    assert Department.objects.get().head == head


def test_update_district_creates_the_single_row_the_first_time(leader):
    district = services.update_district(by=leader, name="Maple Valley", state="OR")
    assert district.pk == 1
    assert AuditEntry.objects.get(action="create").object_id == "1"


def test_update_district_changes_the_existing_row_and_records_the_change(leader):
    make_district(name="Maple Valley")
    services.update_district(by=leader, name="Maple Valley Unified")
    assert District.objects.get().name == "Maple Valley Unified"
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes == {"name": ["Maple Valley", "Maple Valley Unified"]}


def test_a_bad_nces_lea_id_is_refused_and_the_district_stays_as_it_was(leader):
    make_district(nces_lea_id="4100001")
    with pytest.raises(ValidationError) as error:
        services.update_district(by=leader, nces_lea_id="41")
    assert "nces_lea_id" in error.value.message_dict
    assert District.objects.get().nces_lea_id == "4100001"


def test_email_domains_are_tidied_and_checked(leader):
    district = services.update_district(
        by=leader, name="MV", state="OR", email_domains=" @MVUSD.org; students.mvusd.org,"
    )
    assert district.email_domains == "mvusd.org, students.mvusd.org"
    with pytest.raises(ValidationError):
        services.update_district(by=leader, email_domains="not a domain")
