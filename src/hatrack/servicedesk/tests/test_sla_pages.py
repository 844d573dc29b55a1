"""The SLA policy pages: leaders list, add and change policies; no one else reaches them."""

import pytest
from django.urls import reverse

from hatrack.conftest import PERSONAS
from hatrack.core.audit import history_of
from hatrack.servicedesk.models import SlaPolicy
from hatrack.servicedesk.tests.factories import make_category

pytestmark = pytest.mark.django_db
LIST = reverse("servicedesk:sla_list")
NEW = reverse("servicedesk:sla_create")


def form_data(**values):
    data = {
        "name": "Standard", "queue": "", "category": "", "priority": "", "active": "on",
        "first_response_minutes_hours": "4", "first_response_minutes_mins": "0",
        "resolution_minutes_hours": "24", "resolution_minutes_mins": "0",
        "warn_before_minutes_hours": "1", "warn_before_minutes_mins": "0",
    }  # fmt: skip
    return {**data, **values}


def make_policy(**values) -> SlaPolicy:
    values = {"name": "Standard", "first_response_minutes": 240, "resolution_minutes": 1440,
              **values}  # fmt: skip
    return SlaPolicy.objects.create(**values)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_only_leaders_reach_the_sla_policies(persona):
    name, client = persona
    expected = {"leader": 200, "outsider": 302}.get(name, 403)
    assert client.get(LIST).status_code == expected
    assert client.get(NEW).status_code == expected


def test_an_empty_list_explains_what_policies_do(leader_client):
    body = leader_client.get(LIST).content.decode()
    assert "No SLA policies yet" in body
    assert "Add a policy" in body


def test_the_list_shows_targets_in_business_hours(leader_client, queue):
    make_policy(name="Urgent", queue=queue, priority="urgent", first_response_minutes=30,
                resolution_minutes=270)  # fmt: skip
    body = leader_client.get(LIST).content.decode()
    assert "30 business minutes" in body
    assert "4 business hours 30 min" in body
    assert "Technology" in body
    assert "Urgent" in body


def test_leaders_add_a_policy_with_hours_and_minutes(leader_client, leader, queue):
    category = make_category(queue=queue, name="Hardware")
    response = leader_client.post(
        NEW, form_data(name="Hardware", category=category.pk, resolution_minutes_mins="30")
    )
    assert response.status_code == 302
    policy = SlaPolicy.objects.get()
    assert (policy.first_response_minutes, policy.resolution_minutes) == (240, 1470)
    assert policy.queue == queue  # taken from the category
    assert history_of(policy)[0].actor == leader


def test_a_policy_without_a_resolution_time_is_refused_in_words(leader_client):
    response = leader_client.post(
        NEW, form_data(resolution_minutes_hours="0", resolution_minutes_mins="0")
    )
    assert "Give the resolution target a time." in response.content.decode()
    assert not SlaPolicy.objects.exists()


def test_minutes_over_59_are_refused_in_words(leader_client):
    response = leader_client.post(NEW, form_data(first_response_minutes_mins="75"))
    assert "less than or equal to 59" in response.content.decode()


def test_a_first_response_after_resolution_is_refused_beside_its_field(leader_client):
    response = leader_client.post(NEW, form_data(first_response_minutes_hours="48"))
    body = response.content.decode()
    assert "The first response cannot be due after resolution." in body
    assert response.context["form"].errors["first_response_minutes_hours"]


def test_a_duplicate_name_is_refused_in_words(leader_client):
    make_policy(name="Standard")
    response = leader_client.post(NEW, form_data(name="Standard"))
    assert "already exists" in response.content.decode()


def test_leaders_change_a_policy_and_its_history_shows_it(leader_client):
    policy = make_policy()
    url = reverse("servicedesk:sla_edit", args=[policy.pk])
    form = leader_client.get(url).context["form"]
    assert form["first_response_minutes_hours"].value() == 4
    leader_client.post(url, form_data(resolution_minutes_hours="16", active=""))
    policy.refresh_from_db()
    assert (policy.resolution_minutes, policy.active) == (960, False)
    assert "960" in leader_client.get(url).content.decode()


def test_the_list_costs_the_same_queries_for_one_policy_and_fifty(
    leader_client, django_assert_num_queries, queue
):
    make_policy(queue=queue)
    leader_client.get(LIST)
    with django_assert_num_queries(3):  # session, user, policies
        leader_client.get(LIST)
    for n in range(49):
        make_policy(name=f"Policy {n}", queue=queue)
    with django_assert_num_queries(3):
        assert len(leader_client.get(LIST).context["rows"]) == 50
