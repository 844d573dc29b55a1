"""The audit log page: leaders only, newest first, filters, links and a fixed query cost."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hatrack.accounts.models import User
from hatrack.core import audit
from hatrack.core.models import AuditEntry
from hatrack.directory.models import Person, Site
from hatrack.directory.tests.factories import make_person, make_site

AUDIT = reverse("audit:list")


def rename(site: Site, name: str, by: User | None) -> None:
    before = audit.snapshot(site)
    site.name = name
    site.save()
    audit.record_update(site, before, by=by)


@pytest.mark.parametrize("persona", ["technician", "staff", "viewer"], indirect=True)
def test_only_leaders_open_the_audit_log(persona):
    _, client = persona
    assert client.get(AUDIT).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in_from_the_audit_log(db):
    response = Client().get(AUDIT)
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_empty_audit_log_says_nothing_is_recorded_yet(leader_client):
    assert "Nothing recorded yet" in leader_client.get(AUDIT).content.decode()


def test_entries_show_who_when_what_and_the_change_newest_first(leader_client, leader):
    site = make_site(name="Lincoln Elementary")
    audit.record_create(site, by=leader)
    rename(site, "Lincoln Magnet Elementary", leader)
    rows = leader_client.get(AUDIT).context["rows"]
    assert [row.action for row in rows] == ["update", "create"]
    change = next(c for c in rows[0].changes if c.label == "name")
    assert (change.before, change.after) == ("Lincoln Elementary", "Lincoln Magnet Elementary")
    assert rows[0].actor_name == leader.username
    html = leader_client.get(AUDIT).content.decode()
    assert "Lincoln Elementary → Lincoln Magnet Elementary" in html


def test_an_entry_links_to_its_record_while_the_record_exists(leader_client, leader):
    site = make_site()
    audit.record_create(site, by=leader)
    (row,) = leader_client.get(AUDIT).context["rows"]
    assert row.url == site.get_absolute_url()


def test_an_entry_of_a_deleted_record_keeps_its_name_without_a_link(leader_client, leader):
    site = make_site(name="Closed School")
    audit.record_delete(site, by=leader)
    site.delete()
    (row,) = leader_client.get(AUDIT).context["rows"]
    assert row.url is None
    assert row.record == "Closed School"


def test_imports_show_their_counts(leader_client, leader):
    audit.record_batch(
        model=Person, by=leader, summary="OneRoster import", counts={"created": 12, "updated": 3}
    )
    (row,) = leader_client.get(AUDIT).context["rows"]
    assert row.summary == "OneRoster import"
    assert {(c.label, c.value) for c in row.changes} == {("created", "12"), ("updated", "3")}


def test_password_hashes_never_appear_in_the_audit_log(leader_client, leader, staff):
    from hatrack.accounts import services

    services.set_password(user=staff, password="a brand new passphrase", by=leader)
    staff.refresh_from_db()
    assert staff.password not in leader_client.get(AUDIT).content.decode()


def test_the_log_filters_by_who_made_the_change(leader_client, leader, technician):
    audit.record_create(make_site(name="By leader"), by=leader)
    audit.record_create(make_site(name="By technician"), by=technician)
    rows = leader_client.get(AUDIT, {"actor": technician.pk}).context["rows"]
    assert [row.record for row in rows] == ["By technician"]


def test_the_log_filters_by_action(leader_client, leader):
    site = make_site(name="Old name")
    audit.record_create(site, by=leader)
    rename(site, "New name", leader)
    rows = leader_client.get(AUDIT, {"action": "create"}).context["rows"]
    assert [row.action for row in rows] == ["create"]


def test_the_log_filters_by_record_type(leader_client, leader):
    audit.record_create(make_site(), by=leader)
    audit.record_create(make_person(given_name="Ana", family_name="Lopez"), by=leader)
    rows = leader_client.get(AUDIT, {"record_type": "directory.person"}).context["rows"]
    assert [row.record for row in rows] == ["Ana Lopez"]


def test_the_record_type_filter_lists_audited_models_but_not_the_audit_trail(leader_client):
    form = leader_client.get(AUDIT).context["filters"]
    values = {value for value, _ in form.fields["record_type"].choices}
    assert {"directory.person", "directory.site", "accounts.user"} <= values
    assert "core.auditentry" not in values


def test_the_log_filters_by_date_range_in_the_district_time_zone(leader_client, leader):
    zone = timezone.get_current_timezone()
    for day, name in [(1, "First"), (2, "Second"), (3, "Third")]:
        with time_machine.travel(datetime.datetime(2026, 3, day, 23, 30, tzinfo=zone)):
            audit.record_create(make_site(name=name), by=leader)
    rows = leader_client.get(AUDIT, {"since": "2026-03-02", "until": "2026-03-02"}).context["rows"]
    assert [row.record for row in rows] == ["Second"]


def test_a_reversed_date_range_is_explained_in_words(leader_client):
    response = leader_client.get(AUDIT, {"since": "2026-03-05", "until": "2026-03-01"})
    assert "The “From” date is after the “To” date." in response.content.decode()


def test_filters_that_match_nothing_offer_to_clear_them(leader_client, leader):
    audit.record_create(make_site(), by=leader)
    html = leader_client.get(AUDIT, {"action": "delete"}).content.decode()
    assert "No entry matches these filters" in html


def test_the_log_pages_through_entries_without_repeating_one(leader_client, leader):
    site = make_site()
    for n in range(75):
        rename(site, f"Name {n}", leader)
    first = leader_client.get(AUDIT).context["page"]
    second = leader_client.get(AUDIT, {"after": first.next_cursor}).context["page"]
    ids = [e.pk for e in first.rows + second.rows]
    assert len(first.rows) == 50
    assert len(set(ids)) == 75
    assert ids == list(AuditEntry.objects.order_by("-at", "-id").values_list("pk", flat=True))


def test_an_htmx_filter_returns_only_the_results(leader_client, leader):
    audit.record_create(make_site(), by=leader)
    html = leader_client.get(AUDIT, headers={"HX-Request": "true"}).content.decode()
    assert "<table" in html
    assert "<html" not in html


@pytest.mark.parametrize("rows", [1, 50])
def test_the_audit_log_costs_the_same_queries_for_1_and_50_rows(
    leader, client_for, django_assert_num_queries, rows
):
    for n in range(rows):
        site = make_site(name=f"Site {n}")
        audit.record_create(site, by=leader)
    client = client_for(leader)
    client.get(AUDIT)  # warm the per-process caches (content types, district name)
    # session, user, the page, the bounded count, the actor choices, one query per record
    # type on the page to link the records that still exist
    with django_assert_num_queries(6):
        response = client.get(AUDIT)
    assert len(response.context["rows"]) == rows


def test_an_account_entry_links_to_the_account_page(leader_client, leader, staff):
    audit.record_create(staff, by=leader)
    (row,) = leader_client.get(AUDIT).context["rows"]
    assert row.url == reverse("accounts:user_edit", args=[staff.pk])


def test_values_are_shown_in_words_with_choice_labels(leader_client, leader):
    site = make_site(kind=Site.Kind.ELEMENTARY)
    before = audit.snapshot(site)
    site.kind = Site.Kind.MIDDLE
    site.save()
    audit.record_update(site, before, by=leader)
    (row,) = leader_client.get(AUDIT).context["rows"]
    (change,) = row.changes
    assert (change.before, change.after) == ("Elementary school", "Middle school")


def test_a_created_record_lists_its_values_but_not_its_empty_fields(leader_client, leader):
    audit.record_create(make_site(name="Oak Hill", phone=""), by=leader)
    (row,) = leader_client.get(AUDIT).context["rows"]
    labels = {change.label for change in row.changes}
    assert "name" in labels
    assert "phone" not in labels


def test_a_reversed_date_range_is_explained_when_filtering_with_htmx(leader_client):
    response = leader_client.get(
        AUDIT, {"since": "2026-03-05", "until": "2026-03-01"}, headers={"HX-Request": "true"}
    )
    assert "The “From” date is after the “To” date." in response.content.decode()
