"""The district model every hat links to: the district, its sites, departments and people.

Student data is kept minimal on purpose: a name, ids, email, grade and school are what
technology work needs. No birth dates, addresses or family contacts are stored.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from hatrack.directory.names import name_key

US_STATES = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI", "BI",
]  # fmt: skip
STATE_CHOICES = [(s, s) for s in US_STATES]


class Locale(models.TextChoices):
    """NCES urban-centric locale codes, used to compare similar districts."""

    CITY_LARGE = "11", "City: large"
    CITY_MIDSIZE = "12", "City: midsize"
    CITY_SMALL = "13", "City: small"
    SUBURB_LARGE = "21", "Suburb: large"
    SUBURB_MIDSIZE = "22", "Suburb: midsize"
    SUBURB_SMALL = "23", "Suburb: small"
    TOWN_FRINGE = "31", "Town: fringe"
    TOWN_DISTANT = "32", "Town: distant"
    TOWN_REMOTE = "33", "Town: remote"
    RURAL_FRINGE = "41", "Rural: fringe"
    RURAL_DISTANT = "42", "Rural: distant"
    RURAL_REMOTE = "43", "Rural: remote"


class Grade(models.TextChoices):
    """Grade levels as OneRoster 1.1 names them (CEDS codes), in school order."""

    INFANT = "IT", "Infant/toddler"
    PRESCHOOL = "PR", "Preschool"
    PREK = "PK", "Pre-kindergarten"
    TK = "TK", "Transitional kindergarten"
    KG = "KG", "Kindergarten"
    G01 = "01", "Grade 1"
    G02 = "02", "Grade 2"
    G03 = "03", "Grade 3"
    G04 = "04", "Grade 4"
    G05 = "05", "Grade 5"
    G06 = "06", "Grade 6"
    G07 = "07", "Grade 7"
    G08 = "08", "Grade 8"
    G09 = "09", "Grade 9"
    G10 = "10", "Grade 10"
    G11 = "11", "Grade 11"
    G12 = "12", "Grade 12"
    G13 = "13", "Grade 13"
    POSTSECONDARY = "PS", "Postsecondary"
    UNGRADED = "UG", "Ungraded"
    OTHER = "Other", "Other"


GRADE_ORDER = {code: index for index, code in enumerate(Grade.values)}

nces_lea_id = RegexValidator(r"^\d{7}$", "An NCES district (LEA) id has exactly 7 digits.")
nces_school_id = RegexValidator(r"^\d{12}$", "An NCES school id has exactly 12 digits.")
site_code = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]*$", "Use letters, digits, dashes or underscores, no spaces."
)


class District(models.Model):
    """The one district this Hatrack serves. There is exactly one row (pk 1)."""

    name = models.CharField(max_length=200)
    nces_lea_id = models.CharField(
        "NCES LEA id", max_length=7, blank=True, validators=[nces_lea_id]
    )
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    enrollment = models.PositiveIntegerField(
        default=0, help_text="Students enrolled, as reported to the state."
    )
    locale = models.CharField(max_length=2, choices=Locale.choices, blank=True)
    time_zone = models.CharField(max_length=64, default="America/Chicago")
    website = models.URLField(blank=True)
    email_domains = models.CharField(
        max_length=300, blank=True, help_text="The district's email domains, comma separated."
    )
    source_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="district_single_row")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("directory:district")


class SiteQuerySet(models.QuerySet["Site"]):
    def active(self) -> SiteQuerySet:
        return self.filter(active=True)

    def schools(self) -> SiteQuerySet:
        return self.exclude(kind__in=[Site.Kind.OFFICE, Site.Kind.FACILITY])


class Site(models.Model):
    """A school or an office: where people work and learn and devices live."""

    class Kind(models.TextChoices):
        ELEMENTARY = "elementary", "Elementary school"
        MIDDLE = "middle", "Middle school"
        HIGH = "high", "High school"
        COMBINED = "combined", "Combined school"
        EARLY = "early", "Early childhood center"
        ALTERNATIVE = "alternative", "Alternative program"
        OFFICE = "office", "District office"
        FACILITY = "facility", "Facility"

    name = models.CharField(max_length=200)
    code = models.CharField(
        max_length=20, unique=True, validators=[site_code], help_text="Short code, e.g. LHS."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    nces_school_id = models.CharField(
        "NCES school id",
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[nces_school_id],
    )
    source_id = models.CharField(
        "SIS sourcedId", max_length=255, null=True, blank=True, unique=True
    )
    grade_low = models.CharField(max_length=5, choices=Grade.choices, blank=True)
    grade_high = models.CharField(max_length=5, choices=Grade.choices, blank=True)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, choices=STATE_CHOICES, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SiteQuerySet.as_manager()
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"], name="site_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="site_name_required",
                violation_error_message="A site needs a name.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:site_detail", args=[self.pk])

    @property
    def grades_label(self) -> str:
        if self.grade_low and self.grade_high:
            return f"{self.grade_low}–{self.grade_high}"
        return self.grade_low or self.grade_high or ""


class Department(models.Model):
    """A department or team of the district (Technology, Facilities, Human Resources…)."""

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=20, unique=True, validators=[site_code])
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="departments"
    )
    head = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(blank=True)
    source_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:department_detail", args=[self.pk])


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        return self.filter(active=True)

    def students(self) -> PersonQuerySet:
        return self.filter(role=Person.Role.STUDENT)

    def staff(self) -> PersonQuerySet:
        return self.exclude(role=Person.Role.STUDENT)

    def at_site(self, site: Site | int) -> PersonQuerySet:
        return self.filter(primary_site=site)


class Person(models.Model):
    """A student or a member of staff, usually loaded from the SIS (OneRoster).

    `source_id` is the SIS `sourcedId` that imports key on; people are never hard
    deleted by an import, only marked inactive. `family_key`/`given_key` are
    case-folded copies of the names that the list sorts and searches on through
    plain indexes (the same on SQLite and PostgreSQL); `set_name_keys` keeps them.
    """

    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        TEACHER = "teacher", "Teacher"
        STAFF = "staff", "Staff"
        ADMINISTRATOR = "administrator", "Administrator"
        AIDE = "aide", "Aide"

    source_id = models.CharField(
        "SIS sourcedId", max_length=255, null=True, blank=True, unique=True
    )
    sis_id = models.CharField(
        "SIS id",
        max_length=64,
        blank=True,
        help_text="The id people see in the SIS (OneRoster identifier).",
    )
    username = models.CharField(max_length=150, blank=True)
    given_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    grade = models.CharField(max_length=5, choices=Grade.choices, blank=True)
    # No index of its own: person_site_name_idx leads with this column.
    primary_site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        db_index=False,
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    active = models.BooleanField(default=True)
    family_key = models.CharField(max_length=100, editable=False, default="")
    given_key = models.CharField(max_length=100, editable=False, default="")
    # Fingerprint of the last imported source row: unchanged rows are skipped quickly.
    source_hash = models.CharField(max_length=32, blank=True, editable=False)
    source_modified = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["family_key", "given_key", "id"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["family_key", "given_key", "id"], name="person_name_idx"),
            models.Index(fields=["given_key"], name="person_given_idx"),
            # Inactive people are few; the "inactive" filter walks this small index.
            models.Index(
                fields=["family_key", "given_key", "id"],
                condition=Q(active=False),
                name="person_inactive_name_idx",
            ),
            models.Index(
                fields=["primary_site", "family_key", "given_key", "id"],
                name="person_site_name_idx",
            ),
            models.Index(
                fields=["role", "family_key", "given_key", "id"], name="person_role_name_idx"
            ),
            models.Index(fields=["email"], name="person_email_idx"),
            models.Index(fields=["sis_id"], name="person_sis_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(family_name="") & ~Q(given_name=""),
                name="person_name_required",
                violation_error_message="A person needs a given name and a family name.",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.set_name_keys()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("directory:person_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def sort_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    def set_name_keys(self) -> None:
        self.family_key = name_key(self.family_name)
        self.given_key = name_key(self.given_name)
