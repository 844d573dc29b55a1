"""The demo district: fictional, realistic, deterministic, fast, and never loaded twice.

The district is loaded once for the module (about 10,000 people) and each test reads it
inside its own transaction; tests that change it roll back.
"""

import hashlib

import pytest
from django.db.models import Count

from hatrack.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from hatrack.accounts.models import User
from hatrack.core.models import AuditEntry
from hatrack.demo import DEMO_SOURCE_ID, DemoRefused, load_demo
from hatrack.devices.tests.test_demo import fingerprint as fleet_fingerprint
from hatrack.directory.models import GRADE_ORDER, Department, District, Person, Site
from hatrack.servicedesk.tests.test_demo import fingerprint as ticket_fingerprint


@pytest.fixture
def demo(demo_district):
    """The demo district, loaded once for the whole run (see hatrack/conftest.py)."""
    return demo_district


def fingerprint() -> str:
    rows = Person.objects.order_by("sis_id").values_list(
        "sis_id", "given_name", "family_name", "email", "grade", "primary_site__code", "active"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_the_demo_district_is_fictional_with_ids_no_real_district_uses(demo, db):
    district = District.objects.get()

    assert district.source_id == DEMO_SOURCE_ID
    assert district.nces_lea_id.startswith("55999")
    assert all(d.strip().endswith(".example") for d in district.email_domains.split(","))
    schools = Site.objects.exclude(nces_school_id=None)
    assert all(s.nces_school_id.startswith(district.nces_lea_id) for s in schools)


def test_the_demo_district_has_seven_elementary_two_middle_two_high_schools_and_an_office(demo, db):
    kinds = dict(Site.objects.values_list("kind").annotate(n=Count("id")))

    assert kinds == {"elementary": 7, "middle": 2, "high": 2, "office": 1}


def test_the_demo_district_has_about_nine_thousand_students_and_eleven_hundred_staff(demo, db):
    students = Person.objects.students().count()
    staff = Person.objects.staff().count()

    assert 8_500 <= students <= 9_500
    assert 1_000 <= staff <= 1_200
    assert District.objects.get().enrollment == Person.objects.students().active().count()


def test_every_student_is_in_a_grade_their_school_teaches(demo, db):
    rows = Person.objects.students().values_list(
        "grade", "primary_site__grade_low", "primary_site__grade_high"
    )

    for grade, low, high in rows:
        assert GRADE_ORDER[low] <= GRADE_ORDER[grade] <= GRADE_ORDER[high]


def test_every_person_has_the_name_keys_the_lists_sort_and_search_on(demo, db):
    assert not Person.objects.filter(family_key="").exists()
    assert Person.objects.filter(family_name="Müller").first().family_key == "muller"


def test_usernames_and_emails_are_unique_and_on_the_district_domains(demo, db):
    emails = list(Person.objects.values_list("email", flat=True))

    assert len(set(emails)) == len(emails)
    assert all(
        e.endswith(("@cedarhollow.example", "@students.cedarhollow.example")) for e in emails
    )


def test_the_demo_district_has_departments_each_led_by_an_administrator_of_the_office(demo, db):
    departments = Department.objects.select_related("head__primary_site")

    assert {d.code for d in departments} >= {"TECH", "FAC", "HR", "TRANS", "NUT", "CI", "SPED"}
    for department in departments:
        assert department.head.role == Person.Role.ADMINISTRATOR
        assert department.head.primary_site.kind == Site.Kind.OFFICE


def test_a_few_students_and_staff_are_inactive(demo, db):
    inactive = Person.objects.filter(active=False).count()

    assert 0 < inactive < Person.objects.count() * 0.05


def test_each_role_has_a_demo_account_with_the_printed_password(demo, db, settings):
    # The module's district was loaded with the real hasher, before the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)

        assert user.check_password(DEMO_PASSWORD)
        assert user.role == account.role
        assert user.person.active
        assert user.person.role != Person.Role.STUDENT


def test_loading_the_demo_records_one_audit_batch_with_its_counts(demo, db):
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)

    assert entry.actor_name == "system"
    assert entry.changes["students"] == Person.objects.students().count()
    assert entry.changes["user accounts"] == len(DEMO_ACCOUNTS)


def test_loading_the_demo_again_keeps_the_district_and_adds_nothing(demo, db):
    before = Person.objects.count()

    outcome = load_demo()

    assert outcome.loaded is False
    assert "already loaded" in outcome.message
    assert Person.objects.count() == before
    assert User.objects.count() == len(DEMO_ACCOUNTS)


def test_rebuilding_the_demo_gives_the_same_district_every_time(demo, db):
    # One rebuild checks every app's part: people, tickets, and the fleet with its repairs.
    before = (fingerprint(), ticket_fingerprint(), fleet_fingerprint())

    outcome = load_demo(fresh=True)

    assert outcome.loaded is True
    assert (fingerprint(), ticket_fingerprint(), fleet_fingerprint()) == before


def test_the_demo_district_loads_well_under_thirty_seconds(demo):
    assert demo.loaded is True
    assert demo.seconds < 30


def test_a_database_holding_a_real_district_is_not_given_the_demo(demo, db):
    District.objects.update(source_id="sis-district-1", name="Lakeshore Public Schools")

    outcome = load_demo()

    assert outcome.loaded is False
    assert "Lakeshore Public Schools" in outcome.message


def test_fresh_refuses_to_erase_a_database_holding_a_real_district(demo, db):
    District.objects.update(source_id="sis-district-1", name="Lakeshore Public Schools")

    with pytest.raises(DemoRefused):
        load_demo(fresh=True)

    assert Person.objects.exists()
