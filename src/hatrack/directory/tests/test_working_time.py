"""Business time: the pure arithmetic of a calendar, then loading it from the database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hatrack.directory.models import Closure, WorkingHours
from hatrack.directory.tests.factories import make_district, make_site
from hatrack.directory.working_time import (
    HORIZON_DAYS,
    WorkCalendar,
    add_business_minutes,
    business_minutes_between,
    load_calendars,
)

CHICAGO = ZoneInfo("America/Chicago")
UTC = dt.UTC
SCHOOL_DAY = (dt.time(8, 0), dt.time(16, 0))
WEEKDAYS = dict.fromkeys(range(5), SCHOOL_DAY)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CHICAGO)


def calendar(hours=None, closures=()) -> WorkCalendar:
    return WorkCalendar(zone=CHICAGO, hours=WEEKDAYS if hours is None else hours, closures=closures)


# --- Adding business minutes ------------------------------------------------------------


def test_minutes_inside_one_working_day_are_added_as_clock_minutes():
    # Tuesday 3 March 2026, 9:00 in Chicago
    assert calendar().add_minutes(local(2026, 3, 3, 9, 0), 90) == local(2026, 3, 3, 10, 30)


def test_the_result_is_in_utc():
    due = calendar().add_minutes(local(2026, 3, 3, 9, 0), 90)
    assert due.tzinfo == UTC
    assert due == dt.datetime(2026, 3, 3, 16, 30, tzinfo=UTC)


def test_minutes_left_at_closing_carry_over_the_night_to_the_next_opening():
    assert calendar().add_minutes(local(2026, 3, 3, 15, 30), 60) == local(2026, 3, 4, 8, 30)


def test_a_target_that_uses_up_the_day_falls_at_closing_not_the_next_morning():
    assert calendar().add_minutes(local(2026, 3, 3, 15, 0), 60) == local(2026, 3, 3, 16, 0)


def test_friday_afternoon_minutes_carry_over_the_weekend_to_monday():
    assert calendar().add_minutes(local(2026, 3, 13, 15, 0), 120) == local(2026, 3, 16, 9, 0)


def test_a_start_before_opening_counts_from_the_opening():
    assert calendar().add_minutes(local(2026, 3, 3, 6, 15), 30) == local(2026, 3, 3, 8, 30)


def test_a_start_after_closing_counts_from_the_next_opening():
    assert calendar().add_minutes(local(2026, 3, 3, 19, 0), 30) == local(2026, 3, 4, 8, 30)


def test_a_start_on_saturday_counts_from_monday_morning():
    assert calendar().add_minutes(local(2026, 3, 7, 11, 0), 30) == local(2026, 3, 9, 8, 30)


def test_zero_minutes_is_the_start_itself_even_outside_working_hours():
    start = local(2026, 3, 7, 11, 0)
    assert calendar().add_minutes(start, 0) == start


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError, match="negative"):
        calendar().add_minutes(local(2026, 3, 3, 9, 0), -1)


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        calendar().add_minutes(dt.datetime(2026, 3, 3, 9, 0), 10)  # noqa: DTZ001


def test_several_days_of_minutes_skip_nights_and_weekends():
    # 3 days of 8 hours from Thursday 10:00: Thu 6h, Fri 8h, Mon 8h, Tue 2h -> Tue 10:00
    assert calendar().add_minutes(local(2026, 3, 5, 10, 0), 3 * 480) == local(2026, 3, 10, 10, 0)


def test_a_multi_day_closure_is_skipped():
    spring_break = ((dt.date(2026, 3, 16), dt.date(2026, 3, 20)),)
    due = calendar(closures=spring_break).add_minutes(local(2026, 3, 13, 15, 0), 120)
    assert due == local(2026, 3, 23, 9, 0)


def test_a_start_inside_a_closure_counts_from_the_first_open_day_after_it():
    spring_break = ((dt.date(2026, 3, 16), dt.date(2026, 3, 20)),)
    due = calendar(closures=spring_break).add_minutes(local(2026, 3, 18, 10, 0), 30)
    assert due == local(2026, 3, 23, 8, 30)


def test_days_with_different_hours_are_counted_by_their_own_hours():
    hours = {**WEEKDAYS, 4: (dt.time(8, 0), dt.time(12, 0))}  # Fridays end at noon
    due = calendar(hours).add_minutes(local(2026, 3, 13, 11, 0), 120)
    assert due == local(2026, 3, 16, 9, 0)


def test_adding_across_the_spring_clock_change_keeps_local_opening_times():
    # Clocks go forward on Sunday 8 March 2026: Monday opens at 8:00 CDT, 13:00 UTC.
    due = calendar().add_minutes(local(2026, 3, 6, 15, 30), 60)
    assert due == local(2026, 3, 9, 8, 30)
    assert due == dt.datetime(2026, 3, 9, 13, 30, tzinfo=UTC)


def test_adding_across_the_autumn_clock_change_keeps_local_opening_times():
    due = calendar().add_minutes(local(2026, 10, 30, 15, 30), 60)
    assert due == dt.datetime(2026, 11, 2, 14, 30, tzinfo=UTC)


def test_a_day_open_around_the_spring_clock_change_has_an_hour_less():
    night_desk = {6: (dt.time(0, 0), dt.time(6, 0))}  # open Sunday midnight to 6:00
    assert calendar(night_desk).minutes_between(local(2026, 3, 8, 0, 0), local(2026, 3, 9)) == 300
    assert calendar(night_desk).add_minutes(local(2026, 3, 8, 0, 0), 300) == local(2026, 3, 8, 6)


def test_a_day_open_around_the_autumn_clock_change_has_an_hour_more():
    night_desk = {6: (dt.time(0, 0), dt.time(6, 0))}
    assert calendar(night_desk).minutes_between(local(2026, 11, 1, 0, 0), local(2026, 11, 2)) == 420


def test_a_calendar_without_working_hours_counts_clock_time_and_ignores_closures():
    always = calendar(hours={}, closures=((dt.date(2026, 3, 7), dt.date(2026, 3, 8)),))
    assert always.counts_clock_time
    start = local(2026, 3, 7, 11, 0)
    assert always.add_minutes(start, 90) == start + dt.timedelta(minutes=90)
    assert always.minutes_between(start, start + dt.timedelta(hours=2)) == 120


def test_a_calendar_closed_past_the_horizon_falls_back_to_clock_time_instead_of_looping():
    forever = ((dt.date(2026, 3, 1), dt.date(2026, 3, 1) + dt.timedelta(days=HORIZON_DAYS + 30)),)
    start = local(2026, 3, 3, 9, 0)
    assert calendar(closures=forever).add_minutes(start, 60) == start + dt.timedelta(minutes=60)


# --- Counting business minutes between two moments ---------------------------------------


def test_minutes_between_two_moments_of_one_day_are_clock_minutes():
    assert calendar().minutes_between(local(2026, 3, 3, 9, 0), local(2026, 3, 3, 11, 15)) == 135


def test_minutes_between_leave_out_nights_and_weekends():
    # Friday 15:00 to Monday 9:00: one hour on Friday, one on Monday
    assert calendar().minutes_between(local(2026, 3, 13, 15, 0), local(2026, 3, 16, 9, 0)) == 120


def test_minutes_between_leave_out_closures():
    closed = ((dt.date(2026, 3, 16), dt.date(2026, 3, 16)),)
    between = calendar(closures=closed).minutes_between(
        local(2026, 3, 13, 15, 0), local(2026, 3, 17, 9, 0)
    )
    assert between == 120


def test_minutes_between_outside_working_hours_are_zero():
    assert calendar().minutes_between(local(2026, 3, 7, 9, 0), local(2026, 3, 8, 18, 0)) == 0


def test_minutes_between_a_moment_and_an_earlier_one_are_zero():
    assert calendar().minutes_between(local(2026, 3, 3, 11, 0), local(2026, 3, 3, 9, 0)) == 0


def test_counting_back_the_minutes_added_gives_the_same_number():
    cal = calendar(closures=((dt.date(2026, 3, 16), dt.date(2026, 3, 20)),))
    start = local(2026, 3, 12, 13, 47)
    for minutes in (1, 59, 480, 1000, 5000):
        assert cal.minutes_between(start, cal.add_minutes(start, minutes)) == minutes


# --- Loading calendars from the database ------------------------------------------------


def school_hours(site=None, weekdays=range(5), opens=dt.time(8, 0), closes=dt.time(16, 0)):
    for weekday in weekdays:
        WorkingHours.objects.create(site=site, weekday=weekday, opens=opens, closes=closes)


@pytest.mark.django_db
def test_a_site_without_hours_of_its_own_follows_the_district_default():
    make_district(time_zone="America/Chicago")
    site = make_site()
    school_hours()
    assert add_business_minutes(local(2026, 3, 3, 15, 30), 60, site=site) == local(
        2026, 3, 4, 8, 30
    )


@pytest.mark.django_db
def test_a_site_with_its_own_hours_follows_only_those():
    make_district(time_zone="America/Chicago")
    site = make_site()
    school_hours()
    school_hours(site=site, weekdays=range(4), opens=dt.time(7, 0), closes=dt.time(15, 0))
    # Its Friday has no row, so it is closed on Fridays even though the district is open.
    due = add_business_minutes(local(2026, 3, 12, 14, 30), 60, site=site)
    assert due == local(2026, 3, 16, 7, 30)


@pytest.mark.django_db
def test_a_site_closure_closes_only_that_site():
    make_district(time_zone="America/Chicago")
    snowed_in, other = make_site(), make_site()
    school_hours()
    Closure.objects.create(
        name="Snow day", kind="emergency", site=snowed_in, start_date=dt.date(2026, 3, 4),
        end_date=dt.date(2026, 3, 4),
    )  # fmt: skip
    start = local(2026, 3, 3, 15, 30)
    assert add_business_minutes(start, 60, site=snowed_in) == local(2026, 3, 5, 8, 30)
    assert add_business_minutes(start, 60, site=other) == local(2026, 3, 4, 8, 30)
    assert add_business_minutes(start, 60) == local(2026, 3, 4, 8, 30)


@pytest.mark.django_db
def test_a_district_closure_closes_every_site():
    make_district(time_zone="America/Chicago")
    site = make_site()
    school_hours()
    school_hours(site=site, opens=dt.time(7, 0), closes=dt.time(15, 0))
    Closure.objects.create(
        name="Spring break", kind="break", start_date=dt.date(2026, 3, 16),
        end_date=dt.date(2026, 3, 20),
    )  # fmt: skip
    start = local(2026, 3, 13, 14, 30)
    assert add_business_minutes(start, 60, site=site) == local(2026, 3, 23, 7, 30)
    assert business_minutes_between(start, local(2026, 3, 23, 7, 30), site=site) == 60


@pytest.mark.django_db
def test_hours_are_read_in_the_districts_time_zone():
    make_district(time_zone="America/New_York")
    school_hours()
    # 21:45 UTC is 15:45 in Chicago (open) but 16:45 in New York (closed).
    due = add_business_minutes(dt.datetime(2026, 3, 3, 21, 45, tzinfo=UTC), 30)
    assert due == dt.datetime(2026, 3, 4, 8, 30, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.django_db
def test_no_hours_in_the_database_means_clock_time():
    make_district()
    start = dt.datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    assert add_business_minutes(start, 60) == start + dt.timedelta(hours=1)


@pytest.mark.django_db
def test_a_calendar_is_read_in_three_queries_whatever_the_number_of_sites(
    django_assert_num_queries,
):
    make_district()
    sites = [make_site() for _ in range(5)]
    school_hours()
    for site in sites:
        school_hours(site=site)
    with django_assert_num_queries(3):
        book = load_calendars(sites=sites, first=dt.date(2026, 1, 1), last=dt.date(2026, 12, 31))
    assert all(book.for_site(site.pk).hours for site in sites)
