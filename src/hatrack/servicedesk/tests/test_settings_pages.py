"""The desk's settings pages: leaders keep queues, categories, teams and rules there."""

import pytest
from django.urls import reverse

from hatrack.conftest import make_user
from hatrack.servicedesk.models import AutomationRule, Category, Queue, Team
from hatrack.servicedesk.tests.factories import make_category, make_queue, make_team, make_ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["technician", "staff", "viewer"], indirect=True)
def test_only_leaders_reach_the_settings(persona):
    _, client = persona
    assert client.get(reverse("servicedesk:settings")).status_code == 403
    assert client.get(reverse("servicedesk:queue_list")).status_code == 403


def test_the_settings_index_links_queues_and_teams(leader_client):
    content = leader_client.get(reverse("servicedesk:settings")).content.decode()
    assert reverse("servicedesk:queue_list") in content
    assert reverse("servicedesk:team_list") in content


def test_an_empty_queue_list_offers_to_add_one(leader_client):
    assert b"No queues yet" in leader_client.get(reverse("servicedesk:queue_list")).content


def test_a_leader_adds_a_queue(leader_client):
    response = leader_client.post(
        reverse("servicedesk:queue_create"),
        {"name": "Facilities", "code": "facilities", "email": "", "active": "on"},
    )
    queue = Queue.objects.get(code="facilities")
    assert response.status_code == 302
    assert response["Location"] == reverse("servicedesk:queue_edit", args=[queue.pk])


def test_a_queue_code_with_spaces_is_refused_in_words(leader_client):
    response = leader_client.post(
        reverse("servicedesk:queue_create"), {"name": "Facilities", "code": "Fac ilities"}
    )
    assert "Use lowercase letters, digits and dashes, no spaces." in response.content.decode()


def test_the_queue_page_shows_its_category_tree(leader_client):
    queue = make_queue()
    hardware = make_category(queue=queue, name="Hardware")
    make_category(queue=queue, name="Chromebook", parent=hardware)
    content = leader_client.get(reverse("servicedesk:queue_edit", args=[queue.pk])).content
    assert b'class="depth-1"' in content
    assert b"Chromebook" in content


def test_a_leader_adds_a_category_under_another(leader_client):
    queue = make_queue()
    hardware = make_category(queue=queue, name="Hardware")
    leader_client.post(
        reverse("servicedesk:category_create", args=[queue.pk]),
        {"name": "Screen", "parent": hardware.pk, "active": "on"},
    )
    assert Category.objects.get(name="Screen").parent == hardware


def test_a_category_cannot_move_under_its_own_child(leader_client):
    queue = make_queue()
    hardware = make_category(queue=queue, name="Hardware")
    screen = make_category(queue=queue, name="Screen", parent=hardware)
    response = leader_client.post(
        reverse("servicedesk:category_edit", args=[hardware.pk]),
        {"name": "Hardware", "parent": screen.pk, "active": "on"},
    )
    assert "Select a valid choice" in response.content.decode()
    hardware.refresh_from_db()
    assert hardware.parent is None


def test_a_leader_retires_a_category(leader_client):
    category = make_category(name="Fax")
    leader_client.post(
        reverse("servicedesk:category_edit", args=[category.pk]), {"name": "Fax", "parent": ""}
    )
    category.refresh_from_db()
    assert category.active is False


def test_a_leader_adds_a_team_with_members(leader_client, technician):
    queue = make_queue()
    leader_client.post(
        reverse("servicedesk:team_create"),
        {
            "queue": queue.pk,
            "name": "Field",
            "assignment": "least_loaded",
            "members": [technician.pk],
            "active": "on",
        },
    )
    team = Team.objects.get(name="Field")
    assert (team.queue, team.assignment, list(team.members.all())) == (
        queue,
        "least_loaded",
        [technician],
    )


def test_staff_accounts_are_not_offered_as_team_members(leader_client, technician):
    make_user("staff", "office-staff")
    content = leader_client.get(reverse("servicedesk:team_create")).content.decode()
    assert "Technician Persona" in content
    assert "office-staff" not in content


def test_list_pages_cost_the_same_queries_at_one_row_and_at_many(
    leader_client, django_assert_num_queries
):
    make_team(queue=make_queue())
    leader_client.get(reverse("servicedesk:team_list"))  # the session settles
    with django_assert_num_queries(6):  # each: session, user, one page of rows
        leader_client.get(reverse("servicedesk:team_list"))
        leader_client.get(reverse("servicedesk:queue_list"))
    for _ in range(30):
        make_team(queue=make_queue())
    with django_assert_num_queries(6):  # each: session, user, one page of rows
        leader_client.get(reverse("servicedesk:team_list"))
        leader_client.get(reverse("servicedesk:queue_list"))


def rule_form(**values):
    data = {"name": "Testing windows", "active": "on", "keywords": "", "tags": "", "notify": ""}
    data.update(values)
    return data


def test_a_leader_builds_a_rule_from_fields(leader_client, technician):
    queue = make_queue()
    category = make_category(queue=queue, name="Testing")
    leader_client.post(
        reverse("servicedesk:rule_create", args=[queue.pk]),
        rule_form(
            categories=[category.pk],
            requester_roles=["teacher", "administrator"],
            keywords="testing window\nMAP test\n",
            priority="urgent",
            assignee=technician.pk,
            tags="Testing, assessment",
            notify="testing@example.org",
        ),
    )
    rule = AutomationRule.objects.get(name="Testing windows")
    assert rule.conditions == {
        "categories": [category.pk],
        "requester_roles": ["administrator", "teacher"],
        "keywords": ["testing window", "MAP test"],
    }
    assert rule.actions == {
        "priority": "urgent",
        "assignee": technician.pk,
        "tags": ["assessment", "testing"],
        "notify": ["testing@example.org"],
    }


def test_a_rule_without_actions_is_refused_in_words(leader_client):
    queue = make_queue()
    response = leader_client.post(
        reverse("servicedesk:rule_create", args=[queue.pk]), rule_form(keywords="boiler")
    )
    assert "Give the rule at least one action" in response.content.decode()
    assert not AutomationRule.objects.exists()


def test_a_bad_notify_address_is_named_beside_its_field(leader_client):
    queue = make_queue()
    response = leader_client.post(
        reverse("servicedesk:rule_create", args=[queue.pk]),
        rule_form(notify="facilities at school"),
    )
    assert "facilities at school is not an email address." in response.content.decode()


def test_the_rule_list_shows_rules_in_words_in_run_order(leader_client):
    queue = make_queue()
    AutomationRule.objects.create(
        queue=queue, name="Second", position=1, actions={"tags": ["later"]}
    )
    AutomationRule.objects.create(
        queue=queue, name="First", position=0, conditions={"keywords": ["boiler"]},
        actions={"priority": "urgent"},
    )  # fmt: skip
    content = leader_client.get(reverse("servicedesk:rule_list", args=[queue.pk])).content.decode()
    assert content.index("First") < content.index("Second")
    assert "Mentions &quot;boiler&quot;" in content
    assert "Set priority to Urgent" in content


def test_moving_a_rule_down_through_the_page(leader_client):
    queue = make_queue()
    first = AutomationRule.objects.create(
        queue=queue, name="A", position=0, actions={"tags": ["a"]}
    )
    AutomationRule.objects.create(queue=queue, name="B", position=1, actions={"tags": ["b"]})
    response = leader_client.post(
        reverse("servicedesk:rule_move", args=[first.pk]), {"direction": "down"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.position == 1


def test_trying_a_rule_on_a_ticket_says_which_conditions_hold(leader_client):
    queue = make_queue()
    rule = AutomationRule.objects.create(
        queue=queue,
        name="Projectors",
        conditions={"keywords": ["projector"], "priorities": ["urgent"]},
        actions={"tags": ["av"]},
    )
    ticket = make_ticket(queue=queue, subject="Projector is dark")
    response = leader_client.get(
        reverse("servicedesk:rule_edit", args=[rule.pk]), {"ticket": ticket.reference}
    )
    content = response.content.decode()
    assert f"No: {ticket.reference} does not match this rule." in content
    assert "Holds</span>: Mentions" in content
    assert "Does not hold</span>: Priority is Urgent" in content


def test_trying_a_rule_on_another_queues_ticket_is_refused_in_words(leader_client):
    rule = AutomationRule.objects.create(queue=make_queue(), name="Any", actions={"tags": ["x"]})
    ticket = make_ticket()
    response = leader_client.get(
        reverse("servicedesk:rule_edit", args=[rule.pk]), {"ticket": ticket.reference}
    )
    assert "No ticket of the" in response.content.decode()
