"""The leader's figures on a hand-made set of tickets whose medians, 90th percentiles and
SLA attainment are known in advance (the same on SQLite and PostgreSQL)."""

import datetime
import zoneinfo

import pytest

from hatrack.directory.tests.factories import make_site
from hatrack.servicedesk.metrics import figures
from hatrack.servicedesk.metrics.percentiles import ranks
from hatrack.servicedesk.metrics.period import (
    LAST_12_WEEKS,
    LAST_30_DAYS,
    SCHOOL_YEAR,
    Period,
    preset_period,
)
from hatrack.servicedesk.models import Deflection, SatisfactionRating, Ticket
from hatrack.servicedesk.tests.factories import make_category, make_queue, make_ticket

pytestmark = pytest.mark.django_db

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = datetime.datetime(2025, 3, 14, 18, 0, tzinfo=datetime.UTC)  # a Friday, noon in Chicago
H, D = datetime.timedelta(hours=1), datetime.timedelta(days=1)
MARCH = Period(datetime.date(2025, 3, 1), datetime.date(2025, 3, 14), CHICAGO)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def ticket_at(created, **values):
    """A ticket opened at `created` (auto_now_add overridden after the insert)."""
    ticket = make_ticket(**values)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=created)
    return ticket


@pytest.fixture
def handmade():
    """Five tickets answered after 1, 2, 3, 4 and 10 hours; four resolved after 1 to 4 days."""
    queue = make_queue()
    opened = datetime.datetime(2025, 3, 3, 15, 0, tzinfo=datetime.UTC)
    responses = [1, 2, 3, 4, 10]
    resolutions = [1, 2, 3, 4, None]
    for hours, days in zip(responses, resolutions, strict=True):
        ticket_at(
            opened,
            queue=queue,
            first_response_at=opened + hours * H,
            resolved_at=opened + days * D if days else None,
            status=Ticket.Status.RESOLVED if days else Ticket.Status.OPEN,
        )
    return queue


def test_the_median_and_90th_percentile_of_first_response_interpolate_between_ranks(handmade):
    head = figures.summary(figures.Scope(MARCH, queue=handmade.pk))
    assert head["first_response"]["median"] == 3 * H
    assert head["first_response"]["p90"] == datetime.timedelta(hours=7.6)


def test_resolution_times_count_only_resolved_tickets(handmade):
    head = figures.summary(figures.Scope(MARCH, queue=handmade.pk))
    assert head["resolved"] == 4
    assert head["resolution"]["median"] == datetime.timedelta(days=2.5)
    assert head["resolution"]["p90"] == datetime.timedelta(days=3.7)


def test_percentiles_of_an_empty_range_are_empty():
    head = figures.summary(figures.Scope(MARCH, queue=make_queue().pk))
    assert head["total"] == 0
    assert head["first_response"] == {"median": None, "p90": None}
    assert head["response_attainment"] is None


def test_ranks_of_a_single_value_are_that_value():
    assert ranks(1, 0.9) == (1, 1, 0.0)


def test_sla_attainment_counts_met_late_and_overdue_but_not_pending():
    queue = make_queue()
    opened = NOW - 5 * D
    due = opened + 4 * H
    ticket_at(opened, queue=queue, first_response_due=due, first_response_at=opened + H)
    ticket_at(opened, queue=queue, first_response_due=due, first_response_at=due)
    ticket_at(opened, queue=queue, first_response_due=due, first_response_at=due + H)
    ticket_at(opened, queue=queue, first_response_due=due)  # never answered, overdue
    ticket_at(opened, queue=queue, first_response_due=NOW + H)  # not due yet
    head = figures.summary(figures.Scope(MARCH, queue=queue.pk))
    assert (head["response_met"], head["response_measured"]) == (2, 4)
    assert head["response_attainment"] == 50.0


def test_resolution_attainment_compares_resolved_at_with_resolution_due():
    queue = make_queue()
    opened = NOW - 5 * D
    ticket_at(opened, queue=queue, resolution_due=opened + D, resolved_at=opened + H)
    ticket_at(opened, queue=queue, resolution_due=opened + D, resolved_at=opened + 2 * D)
    ticket_at(opened, queue=queue, resolution_due=opened + D, resolved_at=opened + 2 * H)
    head = figures.summary(figures.Scope(MARCH, queue=queue.pk))
    assert head["resolution_attainment"] == 66.7


def test_tickets_outside_the_range_and_merged_duplicates_are_not_counted():
    queue = make_queue()
    kept = ticket_at(NOW - D, queue=queue)
    ticket_at(datetime.datetime(2025, 2, 28, 12, tzinfo=datetime.UTC), queue=queue)
    duplicate = ticket_at(NOW - D, queue=queue)
    Ticket.objects.filter(pk=duplicate.pk).update(merged_into=kept, status=Ticket.Status.CLOSED)
    assert figures.summary(figures.Scope(MARCH, queue=queue.pk))["total"] == 1


def test_weekly_volume_lists_every_week_of_the_range_in_local_time():
    queue = make_queue()
    # Sunday March 9, 11 pm in Chicago is Monday in UTC: it counts in the week of March 3.
    ticket_at(datetime.datetime(2025, 3, 10, 4, 0, tzinfo=datetime.UTC), queue=queue)
    ticket_at(datetime.datetime(2025, 3, 12, 15, 0, tzinfo=datetime.UTC), queue=queue)
    weeks = figures.weekly(figures.Scope(MARCH, queue=queue.pk))
    assert weeks == [
        {"week": datetime.date(2025, 2, 24), "opened": 0},
        {"week": datetime.date(2025, 3, 3), "opened": 1},
        {"week": datetime.date(2025, 3, 10), "opened": 1},
    ]


def test_categories_are_named_with_their_parents_and_sorted_by_volume():
    queue = make_queue()
    hardware = make_category(queue=queue, name="Hardware")
    screen = make_category(queue=queue, name="Screen", parent=hardware)
    for category in (screen, screen, hardware, None):
        ticket_at(NOW - D, queue=queue, category=category)
    rows = figures.by_category(figures.Scope(MARCH, queue=queue.pk))
    assert rows == [
        {"label": "Hardware › Screen", "tickets": 2},
        {"label": "Hardware", "tickets": 1},
        {"label": "No category", "tickets": 1},
    ]


def test_site_and_channel_breakdowns_count_each_value():
    queue, site = make_queue(), make_site(name="Lincoln High")
    ticket_at(NOW - D, queue=queue, site=site, channel=Ticket.Channel.EMAIL)
    ticket_at(NOW - D, queue=queue, site=site, channel=Ticket.Channel.EMAIL)
    ticket_at(NOW - D, queue=queue, channel=Ticket.Channel.PORTAL)
    scope = figures.Scope(MARCH, queue=queue.pk)
    assert figures.by_site(scope) == [
        {"label": "Lincoln High", "tickets": 2},
        {"label": "No site", "tickets": 1},
    ]
    assert figures.by_channel(scope) == [
        {"label": "Email", "tickets": 2},
        {"label": "Portal", "tickets": 1},
    ]


def test_a_site_filter_keeps_only_that_sites_tickets():
    queue, site = make_queue(), make_site()
    ticket_at(NOW - D, queue=queue, site=site)
    ticket_at(NOW - D, queue=queue)
    assert figures.summary(figures.Scope(MARCH, queue=queue.pk, site=site.pk))["total"] == 1


def test_backlog_buckets_open_tickets_by_age_whatever_the_range():
    queue = make_queue()
    for age in (2 * H, 2 * D, 5 * D, 10 * D, 100 * D):
        ticket_at(NOW - age, queue=queue, status=Ticket.Status.OPEN)
    ticket_at(NOW - 2 * D, queue=queue, status=Ticket.Status.RESOLVED)
    rows = figures.backlog(figures.Scope(MARCH, queue=queue.pk))
    assert [r["tickets"] for r in rows] == [1, 1, 1, 1, 1]


def test_backlog_and_workload_leave_out_done_tickets_of_every_queue(technician):
    first, second = make_queue(), make_queue()
    ticket_at(NOW - 2 * D, queue=first, status=Ticket.Status.OPEN, assignee=technician)
    ticket_at(
        NOW - 2 * D, queue=second, status=Ticket.Status.WAITING_ON_REQUESTER, assignee=technician
    )
    ticket_at(NOW - 2 * D, queue=second, status=Ticket.Status.CLOSED, assignee=technician)
    scope = figures.Scope(MARCH)
    assert sum(r["tickets"] for r in figures.backlog(scope)) == 2
    assert [r["open"] for r in figures.workload(scope)] == [2]


def test_workload_counts_open_tickets_and_resolved_ones_per_technician(technician, leader):
    queue = make_queue()
    ticket_at(NOW - D, queue=queue, assignee=technician, status=Ticket.Status.OPEN)
    ticket_at(NOW - D, queue=queue, assignee=technician, status=Ticket.Status.OPEN)
    ticket_at(NOW - D, queue=queue, assignee=leader, resolved_at=NOW, status="resolved")
    rows = figures.workload(figures.Scope(MARCH, queue=queue.pk))
    assert rows == [
        {"label": str(technician), "open": 2, "resolved": 0},
        {"label": str(leader), "open": 0, "resolved": 1},
    ]


def test_satisfaction_averages_scores_and_rates_responses():
    queue = make_queue()
    for score in (5, 4, None, None):
        ticket = ticket_at(NOW - D, queue=queue, resolved_at=NOW, status="resolved")
        if score:
            SatisfactionRating.objects.create(ticket=ticket, score=score)
    head = figures.summary(figures.Scope(MARCH, queue=queue.pk))
    rated = figures.satisfaction(figures.Scope(MARCH, queue=queue.pk), head["resolved"])
    assert rated["average"] == 4.5
    assert rated["response_rate"] == 50.0
    assert [r["ratings"] for r in rated["distribution"]] == [0, 0, 0, 1, 1]


def test_deflections_in_the_range_are_counted():
    from hatrack.servicedesk.models import Article

    article = Article.objects.create(title="Reset", slug="reset", body="Steps.")
    Deflection.objects.create(article=article, query="password")
    old = Deflection.objects.create(article=article, query="password")
    Deflection.objects.filter(pk=old.pk).update(created_at=NOW - 60 * D)
    assert figures.deflections(figures.Scope(MARCH)) == 1


def test_the_default_range_is_twelve_whole_weeks_to_today():
    period = preset_period(LAST_12_WEEKS, CHICAGO)
    assert period.first == datetime.date(2024, 12, 23)  # a Monday
    assert period.last == datetime.date(2025, 3, 14)


def test_the_other_presets_end_today():
    assert preset_period(LAST_30_DAYS, CHICAGO).first == datetime.date(2025, 2, 13)
    assert preset_period(SCHOOL_YEAR, CHICAGO).first == datetime.date(2024, 7, 1)
