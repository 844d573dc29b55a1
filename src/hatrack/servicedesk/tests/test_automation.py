"""Automation rules on newly opened tickets: each condition, each action, order and stop."""

import pytest
from django.core.exceptions import ValidationError

from hatrack.conftest import make_user
from hatrack.core.models import AuditEntry
from hatrack.directory.models import Person
from hatrack.directory.tests.factories import make_person, make_site
from hatrack.servicedesk.models import AutomationRule, OutboundMail, Ticket, TicketMessage
from hatrack.servicedesk.services import open_ticket
from hatrack.servicedesk.services.automation import (
    clean_rule,
    create_rule,
    delete_rule,
    keyword_pattern,
    move_rule,
    update_rule,
)
from hatrack.servicedesk.tests.factories import make_category, make_team

pytestmark = pytest.mark.django_db


def rule(queue, conditions=None, actions=None, **values):
    """A rule written straight to the table (validation is tested on its own)."""
    position = AutomationRule.objects.filter(queue=queue).count()
    return AutomationRule.objects.create(
        queue=queue,
        name=values.pop("name", f"Rule {position}"),
        position=position,
        conditions=conditions or {},
        actions=actions or {"priority": "high"},
        **values,
    )


def opened(queue, teacher, **values):
    values.setdefault("subject", "Projector is dark")
    values.setdefault("description", "Room 12, since Monday.")
    return open_ticket(queue=queue, requester=teacher, by=None, **values)


def test_a_rule_without_conditions_matches_every_new_ticket(queue, teacher):
    rule(queue, actions={"priority": "urgent"})
    assert opened(queue, teacher).priority == "urgent"


def test_a_category_condition_matches_the_category_and_those_under_it(queue, teacher):
    hardware = make_category(queue=queue, name="Hardware")
    screen = make_category(queue=queue, name="Screen", parent=hardware)
    rule(queue, {"categories": [hardware.pk]})
    assert opened(queue, teacher, category=screen).priority == "high"
    assert opened(queue, teacher).priority == "normal"


def test_a_site_condition_matches_only_that_site(queue, teacher):
    rule(queue, {"sites": [teacher.primary_site_id]})
    assert opened(queue, teacher).priority == "high"
    assert opened(queue, teacher, site=make_site()).priority == "normal"


def test_a_requester_role_condition_reads_the_directory_role(queue, teacher):
    rule(queue, {"requester_roles": [Person.Role.ADMINISTRATOR]})
    principal = make_person(role=Person.Role.ADMINISTRATOR)
    assert opened(queue, principal).priority == "high"
    assert opened(queue, teacher).priority == "normal"


def test_keywords_match_whole_words_and_phrases_in_any_case(queue, teacher):
    rule(queue, {"keywords": ["smart board", "wifi"]})
    assert opened(queue, teacher, subject="The SMART  Board froze").priority == "high"
    assert (
        opened(queue, teacher, subject="Help", description="No WiFi in room 4").priority == "high"
    )
    assert opened(queue, teacher, subject="Smartboards need pens").priority == "normal"


def test_the_keyword_pattern_does_not_match_inside_words():
    assert keyword_pattern("wifi").search("wifi.") is not None
    assert keyword_pattern("wifi").search("wifis") is None


def test_priority_and_channel_conditions_compare_the_ticket_fields(queue, teacher):
    rule(queue, {"priorities": ["low"], "channels": ["email"]}, {"tags": ["mail-low"]})
    matched = opened(queue, teacher, priority="low", channel="email")
    missed = opened(queue, teacher, priority="low", channel="portal")
    assert list(matched.tags.values_list("name", flat=True)) == ["mail-low"]
    assert not missed.tags.exists()


def test_every_condition_must_hold(queue, teacher):
    rule(queue, {"keywords": ["projector"], "priorities": ["urgent"]})
    assert opened(queue, teacher).priority == "normal"


def test_actions_set_category_assignee_and_tags(queue, teacher, technician):
    category = make_category(queue=queue, name="AV")
    rule(queue, actions={"category": category.pk, "assignee": technician.pk, "tags": ["av"]})
    ticket = Ticket.objects.get(pk=opened(queue, teacher).pk)
    assert (ticket.category, ticket.assignee) == (category, technician)
    assert list(ticket.tags.values_list("name", flat=True)) == ["av"]


def test_a_team_action_lets_the_teams_strategy_pick_the_assignee(queue, teacher):
    first, second = make_user("technician", "tech-a"), make_user("technician", "tech-b")
    team = make_team(queue=queue, members=[first, second], assignment="round_robin")
    rule(queue, actions={"team": team.pk})
    assert opened(queue, teacher).assignee == first
    assert opened(queue, teacher).assignee == second


def test_an_assignee_given_by_the_rule_wins_over_the_teams_pick(queue, teacher, technician):
    other = make_user("technician", "tech-b")
    team = make_team(queue=queue, members=[other], assignment="round_robin")
    rule(queue, actions={"team": team.pk, "assignee": technician.pk})
    ticket = opened(queue, teacher)
    assert (ticket.team, ticket.assignee) == (team, technician)


def test_an_action_that_no_longer_makes_sense_is_skipped_and_said(queue, teacher, technician):
    rule(queue, actions={"assignee": technician.pk, "priority": "high"})
    technician.is_active = False
    technician.save()
    ticket = opened(queue, teacher)
    assert (ticket.assignee, ticket.priority) == (None, "high")
    event = TicketMessage.objects.get(ticket=ticket, kind="event")
    assert "assignee skipped" in event.body


def test_notify_queues_a_mail_to_each_address(queue, teacher):
    rule(queue, actions={"notify": ["facilities@example.org", "av@example.org"]})
    ticket = opened(queue, teacher)
    mails = OutboundMail.objects.filter(ticket=ticket, kind="rule")
    assert sorted(mails.values_list("to", flat=True)) == [
        "av@example.org",
        "facilities@example.org",
    ]


def test_rules_run_in_position_order_and_see_what_earlier_rules_did(queue, teacher):
    rule(queue, {"keywords": ["projector"]}, {"priority": "urgent"})
    rule(queue, {"priorities": ["urgent"]}, {"tags": ["escalated"]})
    ticket = opened(queue, teacher)
    assert list(ticket.tags.values_list("name", flat=True)) == ["escalated"]


def test_a_matching_rule_with_stop_ends_the_run(queue, teacher):
    rule(queue, actions={"priority": "low"}, stop=True)
    rule(queue, actions={"priority": "urgent"})
    assert opened(queue, teacher).priority == "low"


def test_inactive_rules_and_other_queues_rules_do_not_run(queue, teacher):
    from hatrack.servicedesk.tests.factories import make_queue

    rule(queue, actions={"priority": "urgent"}, active=False)
    rule(make_queue(), actions={"priority": "urgent"})
    assert opened(queue, teacher).priority == "normal"


def test_a_match_is_counted_shown_on_the_timeline_and_audited(queue, teacher):
    applied = rule(queue, name="Projectors first", conditions={"keywords": ["projector"]})
    ticket = opened(queue, teacher)
    applied.refresh_from_db()
    assert applied.times_matched == 1
    event = TicketMessage.objects.get(ticket=ticket, kind="event")
    assert event.body == 'Rule "Projectors first" applied: priority set to High.'
    entry = AuditEntry.objects.get(summary='Automation rule "Projectors first" applied')
    assert entry.changes["priority"] == ["normal", "high"]


def test_no_matching_rule_leaves_no_trace(queue, teacher):
    rule(queue, {"keywords": ["boiler"]})
    ticket = opened(queue, teacher)
    assert not TicketMessage.objects.filter(ticket=ticket).exists()


# --- Keeping rules ---------------------------------------------------------------------


def test_a_leader_creates_a_rule_at_the_end_of_the_list(queue, leader):
    rule(queue)
    created = create_rule(
        queue=queue, by=leader, name=" Boilers ", conditions={"keywords": ["boiler"]},
        actions={"priority": "urgent"},
    )  # fmt: skip
    assert (created.name, created.position) == ("Boilers", 1)
    assert AuditEntry.objects.filter(object_id=str(created.pk), action="create").exists()


def test_a_technician_cannot_create_rules(queue, technician):
    with pytest.raises(ValidationError, match="Only technology leaders"):
        create_rule(queue=queue, by=technician, name="Mine", actions={"priority": "low"})


def test_a_rule_needs_an_action(queue):
    with pytest.raises(ValidationError, match="at least one action"):
        clean_rule(queue, {"keywords": ["x"]}, {})


def test_rule_validation_names_each_wrong_part_in_words(queue, technician):
    from hatrack.servicedesk.tests.factories import make_queue

    elsewhere = make_category(queue=make_queue())
    staff = make_user("staff", "plain-staff")
    with pytest.raises(ValidationError) as caught:
        clean_rule(
            queue,
            {"categories": [elsewhere.pk], "priorities": ["whenever"]},
            {"category": elsewhere.pk, "assignee": staff.pk, "notify": ["not an address"]},
        )
    errors = caught.value.message_dict
    assert errors["categories"] == ["Choose categories of this queue."]
    assert errors["priorities"] == ["Choose priorities from the list."]
    assert errors["category"] == ["Choose an active category of this queue."]
    assert errors["assignee"] == ["Assign to an active technician or technology leader."]
    assert errors["notify"] == ["not an address is not an email address."]


def test_clean_rule_normalises_keywords_and_tags(queue):
    conditions, actions = clean_rule(
        queue, {"keywords": ["Smart  Board", "smart board", ""]}, {"tags": ["AV ", "av"]}
    )
    assert conditions == {"keywords": ["Smart Board"]}
    assert actions == {"tags": ["av"]}


def test_updating_a_rule_with_bad_parts_changes_nothing(queue, leader):
    kept = rule(queue, actions={"priority": "high"})
    with pytest.raises(ValidationError):
        update_rule(rule=kept, by=leader, actions={"priority": "whenever"})
    kept.refresh_from_db()
    assert kept.actions == {"priority": "high"}


def test_moving_a_rule_swaps_it_with_its_neighbour(queue, leader):
    first, second, third = rule(queue), rule(queue), rule(queue)
    move_rule(rule=third, by=leader, up=True)
    order = list(AutomationRule.objects.filter(queue=queue).values_list("pk", flat=True))
    assert order == [first.pk, third.pk, second.pk]


def test_moving_the_first_rule_up_changes_nothing(queue, leader):
    first, second = rule(queue), rule(queue)
    move_rule(rule=first, by=leader, up=True)
    order = list(AutomationRule.objects.filter(queue=queue).values_list("pk", flat=True))
    assert order == [first.pk, second.pk]


def test_deleting_a_rule_is_audited(queue, leader):
    gone = rule(queue)
    pk = gone.pk
    delete_rule(rule=gone, by=leader)
    assert not AutomationRule.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(object_id=str(pk), action="delete").exists()
