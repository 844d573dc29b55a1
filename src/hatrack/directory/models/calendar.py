"""The district's working time: opening hours per site and the school calendar's closures.

Service-level targets count business time from these (a request at 4 pm on the Friday
before winter break is not late on the Monday after), and later hats read them too
(maintenance windows, device collection days). Times are local to the district's time
zone (`District.time_zone`); the rows hold wall-clock times and dates, never UTC.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from hatrack.directory.models.district import Site


class WorkingHours(models.Model):
    """When a site is open on one weekday (0 = Monday). `site` empty: the district's default,
    used by every site without hours of its own. A weekday with no row is a closed day."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["site", "weekday"]
        verbose_name_plural = "working hours"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "weekday"],
                name="workinghours_one_per_site_day",
                violation_error_message="This site already has hours for that day.",
            ),
            models.UniqueConstraint(
                fields=["weekday"],
                condition=Q(site__isnull=True),
                name="workinghours_one_default_per_day",
                violation_error_message="The district already has default hours for that day.",
            ),
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="workinghours_closes_after_opens",
                violation_error_message="Closing time must be after opening time.",
            ),
        ]

    def __str__(self) -> str:
        where = self.site.name if self.site_id and self.site else "District"
        return f"{where}: {self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Closure(models.Model):
    """Days the district (or one site) is closed: holidays, breaks, snow days.

    Both dates are included. `site` empty: the whole district is closed.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "Holiday"
        BREAK = "break", "Break"
        EMERGENCY = "emergency", "Emergency closure"
        OTHER = "other", "Other"

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.HOLIDAY)
    start_date = models.DateField()
    end_date = models.DateField()
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.CASCADE, related_name="closures"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_date", "name"]
        indexes = [models.Index(fields=["end_date", "start_date"], name="closure_dates_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="closure_name_required",
                violation_error_message="A closure needs a name.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="closure_ends_after_start",
                violation_error_message="A closure cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_date:%Y-%m-%d} to {self.end_date:%Y-%m-%d})"
