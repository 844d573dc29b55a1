"""The leader's account pages: list, new account, edit, through the browser-facing views."""

import pytest
from django.test import Client
from django.urls import reverse

from hatrack.accounts.models import User
from hatrack.accounts.tests.factories import make_account, make_token
from hatrack.conftest import make_user
from hatrack.core.models import AuditEntry
from hatrack.core.roles import Role
from hatrack.directory.models import Person
from hatrack.directory.tests.factories import make_person

LIST = reverse("accounts:user_list")
CREATE = reverse("accounts:user_create")


def new_account(**overrides: object) -> dict[str, object]:
    data = {
        "username": "mrivera",
        "first_name": "Maria",
        "last_name": "Rivera",
        "email": "mrivera@example.org",
        "role": Role.TECHNICIAN,
        "person": "",
        "password": "a strong first passphrase",
    }
    data.update(overrides)
    return data


def edit_data(user: User, **overrides: object) -> dict[str, object]:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "person": "",
    }
    if user.is_active:
        data["is_active"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("persona", ["technician", "staff", "viewer"], indirect=True)
@pytest.mark.parametrize("url", [LIST, CREATE])
def test_only_leaders_open_the_account_pages(persona, url):
    _, client = persona
    assert client.get(url).status_code == 403


def test_a_technician_cannot_edit_an_account(technician_client, staff):
    url = reverse("accounts:user_edit", args=[staff.pk])
    response = technician_client.post(url, edit_data(staff, role=Role.LEADER))
    assert response.status_code == 403
    staff.refresh_from_db()
    assert staff.role == Role.STAFF


def test_the_account_list_shows_every_account_with_its_role(leader_client, technician, viewer):
    html = leader_client.get(LIST).content.decode()
    assert technician.username in html
    assert "Viewer" in html
    assert "3 accounts" in html


def test_the_account_list_searches_names_usernames_and_emails(leader_client, technician):
    make_account(username="zed", first_name="Zed", last_name="Quinn")
    response = leader_client.get(LIST, {"q": "quinn"})
    rows = response.context["page"].rows
    assert [u.username for u in rows] == ["zed"]


def test_the_account_list_filters_by_role(leader_client, technician, viewer):
    rows = leader_client.get(LIST, {"role": Role.VIEWER}).context["page"].rows
    assert [u.username for u in rows] == [viewer.username]


def test_the_account_list_filters_inactive_accounts(leader_client, staff):
    make_account(username="gone", is_active=False)
    rows = leader_client.get(LIST, {"status": "inactive"}).context["page"].rows
    assert [u.username for u in rows] == ["gone"]


def test_the_account_list_says_when_no_account_matches(leader_client):
    html = leader_client.get(LIST, {"q": "nobody-like-this"}).content.decode()
    assert "No account matches" in html


def test_the_account_list_pages_through_accounts_in_username_order(leader_client, leader):
    for n in range(60):
        make_account(username=f"user{n:02}")
    first = leader_client.get(LIST).context["page"]
    assert len(first.rows) == 50
    second = leader_client.get(LIST, {"after": first.next_cursor}).context["page"]
    names = [u.username for u in first.rows + second.rows]
    assert names == sorted(User.objects.values_list("username", flat=True))


def test_an_htmx_filter_returns_only_the_results(leader_client):
    response = leader_client.get(LIST, {"role": Role.LEADER}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<table" in html
    assert "<html" not in html


@pytest.mark.parametrize("rows", [1, 50])
def test_the_account_list_costs_the_same_queries_for_1_and_50_rows(
    leader, client_for, django_assert_num_queries, rows
):
    for n in range(rows - 1):
        make_account(username=f"user{n:02}", person=make_person(role="staff"))
    client = client_for(leader)
    client.get(LIST)  # warm the per-process caches (district name, content types)
    # session, user, the page of accounts with their people, a bounded count
    with django_assert_num_queries(4):
        response = client.get(LIST)
    assert len(response.context["page"].rows) == rows


def test_a_leader_creates_an_account_with_a_first_password(leader_client, leader):
    response = leader_client.post(CREATE, new_account())
    user = User.objects.get(username="mrivera")
    assert response["Location"] == reverse("accounts:user_edit", args=[user.pk])
    assert user.role == Role.TECHNICIAN
    assert user.check_password("a strong first passphrase")
    entry = AuditEntry.objects.get(object_id=str(user.pk), action="create")
    assert entry.actor == leader


def test_a_leader_creates_an_account_that_chooses_its_password_by_email(
    leader_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        leader_client.post(CREATE, new_account(password="", send_setup_email="on"))
    user = User.objects.get(username="mrivera")
    assert not user.has_usable_password()
    (message,) = mailoutbox
    assert message.to == ["mrivera@example.org"]
    assert "/accounts/reset/" in message.body


def test_a_new_account_needs_a_password_or_the_email_link(leader_client):
    response = leader_client.post(CREATE, new_account(password=""))
    assert "Give an initial password, or choose to email a link" in response.content.decode()
    assert not User.objects.filter(username="mrivera").exists()


def test_the_email_link_needs_an_email_address(leader_client):
    response = leader_client.post(CREATE, new_account(password="", email="", send_setup_email="on"))
    assert "An email address is needed" in response.content.decode()


def test_a_taken_username_is_refused_beside_the_field(leader_client, staff):
    response = leader_client.post(CREATE, new_account(username=staff.username.upper()))
    form = response.context["form"]
    assert "already exists" in form.errors["username"][0]


def test_a_new_account_links_to_a_directory_person_by_email(leader_client):
    person = make_person(role=Person.Role.TEACHER, email="maria.rivera@district.example")
    leader_client.post(CREATE, new_account(person="Maria.Rivera@district.example"))
    assert User.objects.get(username="mrivera").person == person


def test_a_new_account_links_to_a_directory_person_by_sis_id(leader_client):
    person = make_person(role=Person.Role.STAFF, sis_id="S-4411")
    leader_client.post(CREATE, new_account(person="S-4411"))
    assert User.objects.get(username="mrivera").person == person


def test_an_unknown_directory_person_is_refused_in_words(leader_client):
    response = leader_client.post(CREATE, new_account(person="ghost@example.org"))
    assert "No staff member in the directory" in response.content.decode()


def test_a_student_cannot_be_linked_to_an_account(leader_client):
    make_person(role=Person.Role.STUDENT, email="kid@example.org")
    response = leader_client.post(CREATE, new_account(person="kid@example.org"))
    assert "No staff member in the directory" in response.content.decode()


def test_a_leader_changes_a_role_and_it_is_audited(leader_client, leader, staff):
    url = reverse("accounts:user_edit", args=[staff.pk])
    response = leader_client.post(url, edit_data(staff, role=Role.TECHNICIAN))
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.role == Role.TECHNICIAN
    entry = AuditEntry.objects.get(object_id=str(staff.pk), action="update")
    assert entry.changes == {"role": ["staff", "technician"]}
    assert entry.actor == leader


def test_a_leader_deactivates_and_reactivates_an_account(leader_client, staff):
    url = reverse("accounts:user_edit", args=[staff.pk])
    leader_client.post(url, edit_data(staff, is_active=None))
    staff.refresh_from_db()
    assert not staff.is_active
    leader_client.post(url, edit_data(staff, is_active="on"))
    staff.refresh_from_db()
    assert staff.is_active


def test_a_deactivated_user_is_signed_out_on_their_next_request(leader_client, staff, client_for):
    staff_client = client_for(staff)
    leader_client.post(
        reverse("accounts:user_edit", args=[staff.pk]), edit_data(staff, is_active=None)
    )
    response = staff_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_leader_cannot_remove_their_own_leader_role_on_the_page(leader_client, leader):
    make_user(Role.LEADER, username="second-leader")
    url = reverse("accounts:user_edit", args=[leader.pk])
    response = leader_client.post(url, edit_data(leader, role=Role.VIEWER))
    assert response.status_code == 200
    assert "You cannot remove your own Technology leader role" in response.content.decode()
    leader.refresh_from_db()
    assert leader.role == Role.LEADER


def test_a_leader_cannot_deactivate_themselves_on_the_page(leader_client, leader):
    url = reverse("accounts:user_edit", args=[leader.pk])
    response = leader_client.post(url, edit_data(leader, is_active=None))
    assert "You cannot deactivate your own account" in response.content.decode()
    leader.refresh_from_db()
    assert leader.is_active


def test_the_edit_page_shows_the_accounts_history(leader_client, staff):
    url = reverse("accounts:user_edit", args=[staff.pk])
    leader_client.post(url, edit_data(staff, role=Role.VIEWER))
    html = leader_client.get(url).content.decode()
    assert "Updated" in html
    assert "(role)" in html


def test_a_leader_emails_a_set_password_link_from_the_edit_page(
    leader_client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("accounts:user_edit", args=[staff.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = leader_client.post(url, {"send_setup_email": "1"})
    assert response.status_code == 302
    assert mailoutbox[0].to == [staff.email]


def test_editing_a_missing_account_is_not_found(leader_client):
    assert leader_client.get(reverse("accounts:user_edit", args=[999999])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_from_the_account_list(db):
    response = Client().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_edit_page_lists_the_accounts_tokens_with_a_revoke_form(leader_client, staff):
    token = make_token(staff, "Laptop script")
    html = leader_client.get(reverse("accounts:user_edit", args=[staff.pk])).content.decode()
    assert "Laptop script" in html
    assert reverse("accounts:token_revoke", args=[token.pk]) in html


def test_a_leader_revokes_another_accounts_token_from_the_edit_page(leader_client, staff):
    token = make_token(staff, "Laptop script")
    edit_url = reverse("accounts:user_edit", args=[staff.pk])
    response = leader_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response["Location"] == edit_url
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in leader_client.get(edit_url).content.decode()
