"""The demo district's service desk: three school years of tickets that look like a real
district's, the same every time, loaded in seconds."""

import datetime as dt
import hashlib

import pytest
from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from hatrack.core.models import AuditEntry
from hatrack.directory.models import Closure, Person
from hatrack.servicedesk.demo.calendar import SchoolYear, nth_weekday
from hatrack.servicedesk.models import (
    Article,
    Category,
    Queue,
    SatisfactionRating,
    SlaPolicy,
    Ticket,
    TicketMessage,
)


class Lines(list):
    def write(self, text: str) -> None:
        self.append(text)


@pytest.fixture
def demo(demo_district):
    """The demo district, loaded once for the whole run (see hatrack/conftest.py)."""
    return demo_district


def fingerprint() -> str:
    # The requester by email, not id: PostgreSQL does not restart the people's id
    # sequence when the demo is rebuilt, so their ids differ from one load to the next.
    rows = Ticket.objects.order_by("id").values_list(
        "id", "subject", "requester__email", "status", "priority", "created_at", "resolved_at"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_the_demo_has_the_four_queues_with_technology_taking_help_mail(demo, db):
    queues = dict(Queue.objects.values_list("code", "email"))

    assert set(queues) == {"tech", "facilities", "transportation", "hr"}
    assert queues["tech"] == "help@cedarhollow.example"


def test_categories_form_trees_down_to_the_chromebooks_screen(demo, db):
    screen = Category.objects.select_related("parent__parent").get(name="Screen")

    assert (screen.parent.name, screen.parent.parent.name) == ("Chromebook", "Hardware")
    assert Category.objects.filter(queue__code="facilities", name="Boiler").exists()


def test_technology_has_an_sla_policy_per_priority_and_facilities_one(demo, db):
    assert SlaPolicy.objects.filter(queue__code="tech").count() == 4
    assert SlaPolicy.objects.filter(queue__code="facilities").count() == 1


def test_the_school_calendar_closes_for_three_years_of_holidays_and_breaks(demo, db):
    names = Counter_of(Closure.objects.values_list("name", flat=True))

    assert names["Winter break"] == 3
    assert names["Labor Day"] == 3
    assert names["Spring break"] == 3


def Counter_of(values):
    from collections import Counter

    return Counter(values)


def test_about_three_school_years_of_tickets_are_loaded(demo, db):
    counts = demo.counts

    assert 18_000 <= counts["tickets"] <= 40_000
    assert 2 <= counts["ticket messages"] / counts["tickets"] <= 6
    first = Ticket.objects.order_by("created_at").first().created_at
    assert first.date() < dt.datetime.now(dt.UTC).date() - dt.timedelta(days=2 * 365)


def test_technology_gets_forty_to_sixty_tickets_on_an_ordinary_school_day(demo, db):
    per_day = (
        Ticket.objects.filter(queue__code="tech", created_at__month__in=[10, 2])
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    busy = sorted(n for n in per_day if n > 20)

    assert 35 <= busy[len(busy) // 2] <= 65


def test_september_weeks_are_busier_than_july_weeks(demo, db):
    tech = Ticket.objects.filter(queue__code="tech")
    september = tech.filter(created_at__month=9).count()
    july = tech.filter(created_at__month=7).count()

    assert september > 3 * july > 0


def test_requesters_are_staff_never_students(demo, db):
    roles = set(Ticket.objects.values_list("requester__role", flat=True).distinct())

    assert Person.Role.STUDENT not in roles
    assert Person.Role.TEACHER in roles


def test_old_tickets_are_done_and_recent_ones_in_every_state(demo, db):
    month_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=60)
    old_open = Ticket.objects.filter(created_at__lt=month_ago).open().count()
    recent = set(Ticket.objects.filter(created_at__gte=month_ago).values_list("status", flat=True))

    assert old_open < Ticket.objects.count() * 0.01
    assert recent == set(Ticket.Status.values)


def test_times_follow_the_tickets_life_and_its_sla(demo, db):
    tickets = Ticket.objects.filter(resolved_at__isnull=False)

    assert not tickets.filter(first_response_at__gt=models_F("resolved_at")).exists()
    assert not tickets.filter(resolved_at__lt=models_F("created_at")).exists()
    tech = Ticket.objects.filter(queue__code="tech")
    assert not tech.filter(Q(first_response_due__isnull=True) | Q(sla_policy__isnull=True)).exists()
    late = tech.filter(first_response_at__gt=models_F("first_response_due")).count()
    assert 0.02 < late / tech.exclude(first_response_at=None).count() < 0.25


def models_F(name):
    from django.db.models import F

    return F(name)


def test_requesters_never_see_notes_but_notes_exist(demo, db):
    assert TicketMessage.objects.filter(kind="note").exists()
    assert TicketMessage.objects.filter(kind="reply", author_person__isnull=False).exists()


def test_a_share_of_resolved_tickets_is_rated(demo, db):
    resolved = Ticket.objects.filter(resolved_at__isnull=False).count()

    assert 0.15 < SatisfactionRating.objects.count() / resolved < 0.3


def test_the_knowledge_base_has_rendered_articles_for_staff_and_technicians(demo, db):
    articles = Article.objects.filter(published=True)

    assert 10 <= articles.count() <= 20
    assert articles.filter(audience="technicians").exists()
    assert all("<script" not in a.body_html and a.body_html for a in articles)


def test_the_demo_staff_user_has_tickets_of_their_own(demo, db):
    from hatrack.accounts.models import User

    teacher = User.objects.get(username="staff").person

    assert Ticket.objects.filter(requester=teacher).count() >= 3


def test_the_service_desk_counts_are_in_the_demos_audit_batch(demo, db):
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)

    assert entry.changes["tickets"] == Ticket.objects.count()


def test_the_service_desk_part_of_the_demo_loads_in_seconds(demo):
    # About 10 s on an idle 2-core machine; the bound leaves room for a busy CI runner.
    assert demo.loaded
    assert demo.step_seconds["hatrack.servicedesk.demo"] < 30


def test_school_years_follow_the_us_holiday_rules():
    year = SchoolYear(2025)
    closures = {name: (first, last) for name, _, first, last in year.closures()}

    assert closures["Labor Day"] == (dt.date(2025, 9, 1), dt.date(2025, 9, 1))
    assert closures["Thanksgiving break"] == (dt.date(2025, 11, 26), dt.date(2025, 11, 28))
    assert closures["Memorial Day"][0] == dt.date(2026, 5, 25)
    assert nth_weekday(2026, 1, 0, 3) == dt.date(2026, 1, 19)


def test_the_demos_fast_calendar_gives_the_business_time_engines_answers():
    import random
    from zoneinfo import ZoneInfo

    from hatrack.directory.working_time import WorkCalendar
    from hatrack.servicedesk.demo.tickets import FastCalendar

    hours = {day: (dt.time(7, 30), dt.time(16, 30)) for day in range(5)}
    closures = tuple((c[2], c[3]) for c in SchoolYear(2025).closures())
    engine = WorkCalendar(zone=ZoneInfo("America/Chicago"), hours=hours, closures=closures)
    fast = FastCalendar(engine, dt.date(2025, 8, 1), dt.date(2026, 8, 1))
    rng = random.Random(7)
    for _ in range(2000):
        start = dt.datetime(2025, 8, 1, tzinfo=dt.UTC) + dt.timedelta(
            minutes=rng.randrange(480_000)
        )
        minutes = rng.choice([1, 30, 240, 540, 541, 1620, 2700, rng.randrange(1, 9000)])
        assert fast.add_minutes(start, minutes) == engine.add_minutes(start, minutes)
