"""The district's systems and the typed dependencies between them.

A `System` is anything people rely on that can fail: the SIS, the learning platform,
single sign-on, the network core. A `Dependency` says one system needs another
(`system` depends on `depends_on`), how (its kind) and what happens to `system` when
`depends_on` fails (its effect). Impact analysis (`systems.graph`) walks these edges
backwards from failed systems. Cycles are allowed in the data (two systems exchanging
records) and flagged on the pages, never refused.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from hatrack.directory.models import FundingSource, Person, Site, Vendor


class Kind(models.TextChoices):
    SIS = "sis", "Student information system"
    LMS = "lms", "Learning platform"
    IDENTITY = "identity", "Single sign-on and identity"
    EMAIL = "email", "Email and collaboration"
    NETWORK = "network", "Network core and wireless"
    FIREWALL = "firewall", "Firewall and internet access"
    FILTERING = "filtering", "Content filtering"
    PHONES = "phones", "Phones and paging"
    TRANSPORTATION = "transportation", "Transportation routing"
    FOOD_SERVICE = "food_service", "Food service"
    FINANCE = "finance", "Payroll, finance and HR"
    STATE_REPORTING = "state_reporting", "State reporting"
    ASSESSMENT = "assessment", "Assessment"
    COMMUNICATIONS = "communications", "Family communications"
    SAFETY = "safety", "Safety and security"
    DEVICE_MANAGEMENT = "device_management", "Device management"
    INFRASTRUCTURE = "infrastructure", "Servers, storage and backup"
    WEBSITE = "website", "Website"
    LIBRARY = "library", "Library"
    OTHER = "other", "Other"


class Hosting(models.TextChoices):
    ON_PREMISES = "on_premises", "On premises"
    VENDOR_CLOUD = "vendor_cloud", "Vendor-hosted cloud"
    SAAS = "saas", "Software as a service"


class Tier(models.IntegerChoices):
    """Criticality: tier 1 stops teaching, pay or safety when it fails."""

    CRITICAL = 1, "Tier 1: critical"
    IMPORTANT = 2, "Tier 2: important"
    SUPPORTING = 3, "Tier 3: supporting"
    LOW = 4, "Tier 4: low"


class DataKind(models.TextChoices):
    STUDENT = "student_records", "Student records"
    STAFF = "staff_records", "Staff records"
    FINANCIAL = "financial", "Financial"
    HEALTH = "health", "Health"


class Privacy(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    RESTRICTED = "restricted", "Restricted (student or health records)"


class Audience(models.TextChoices):
    """Who uses a system: the directory's person roles, plus families (not in the directory)."""

    STUDENT = "student", "Students"
    TEACHER = "teacher", "Teachers"
    STAFF = "staff", "Staff"
    ADMINISTRATOR = "administrator", "Administrators"
    AIDE = "aide", "Aides"
    FAMILY = "family", "Families"


class State(models.TextChoices):
    """A system's current state, kept by the check and incident services."""

    OPERATIONAL = "operational", "Operational"
    DEGRADED = "degraded", "Degraded"
    DOWN = "down", "Down"
    MAINTENANCE = "maintenance", "Under maintenance"
    UNKNOWN = "unknown", "Not monitored"


class SystemQuerySet(models.QuerySet["System"]):
    def active(self) -> SystemQuerySet:
        return self.filter(active=True)

    def published(self) -> SystemQuerySet:
        return self.filter(active=True, published=True)


class System(models.Model):
    """One system the district runs on, with who owns it, what it holds and how fast it
    must come back. `runbook_html` and `continuity_html` are the Markdown fields rendered
    and sanitized by the catalog service on save; pages show only those."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = models.TextField(blank=True)
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.SET_NULL, related_name="systems"
    )
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="systems_owned"
    )
    backup_owner = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="systems_backed_up",
    )
    hosting = models.CharField(max_length=20, choices=Hosting.choices)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.IMPORTANT)
    # Who uses it: Audience values; sites empty means every site.
    audiences = models.JSONField(default=list, blank=True)
    sites = models.ManyToManyField(Site, blank=True, related_name="systems")
    approximate_users = models.PositiveIntegerField(null=True, blank=True)
    # What it holds: DataKind values, and the classification that follows from them.
    data_held = models.JSONField(default=list, blank=True)
    privacy = models.CharField(max_length=20, choices=Privacy.choices, default=Privacy.INTERNAL)
    rto_minutes = models.PositiveIntegerField(
        "recovery time objective (minutes)", null=True, blank=True
    )
    rpo_minutes = models.PositiveIntegerField(
        "recovery point objective (minutes)", null=True, blank=True
    )
    has_failover = models.BooleanField(
        "has a tested backup or failover",
        default=False,
        help_text="A second path or standby that takes over when this system fails.",
    )
    renewal_date = models.DateField("contract renewal date", null=True, blank=True)
    annual_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    funding_source = models.ForeignKey(
        FundingSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="systems"
    )
    runbook = models.TextField(blank=True, help_text="Markdown.")
    runbook_html = models.TextField(blank=True, editable=False)
    continuity_plan = models.TextField(blank=True, help_text="Markdown.")
    continuity_html = models.TextField(blank=True, editable=False)
    # Documentation links: [{"title": "...", "url": "https://..."}]
    links = models.JSONField(default=list, blank=True)
    # The status page: published systems appear under their public name, in plain words.
    published = models.BooleanField("shown on the status page", default=False)
    public_name = models.CharField(max_length=120, blank=True)
    public_description = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.UNKNOWN)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SystemQuerySet.as_manager()
    audit_exclude = ("updated_at", "runbook_html", "continuity_html", "state_changed_at")

    class Meta:
        ordering = ["tier", "name"]
        indexes = [
            models.Index(fields=["tier", "name"], name="system_tier_name_idx"),
            models.Index(fields=["kind", "name"], name="system_kind_name_idx"),
            models.Index(fields=["renewal_date"], name="system_renewal_idx"),
            models.Index(fields=["state"], name="system_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="system_name_required",
                violation_error_message="A system needs a name.",
            ),
            models.CheckConstraint(
                condition=Q(tier__gte=1, tier__lte=4),
                name="system_tier_range",
                violation_error_message="The criticality tier is 1 to 4.",
            ),
            models.CheckConstraint(
                condition=Q(annual_cost__isnull=True) | Q(annual_cost__gte=0),
                name="system_cost_not_negative",
                violation_error_message="The annual cost cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("systems:system_detail", args=[self.pk])

    @property
    def display_public_name(self) -> str:
        return self.public_name or self.name


class DependencyKind(models.TextChoices):
    AUTHENTICATES = "authenticates", "Authenticates through"
    RECEIVES_DATA = "receives_data", "Receives data from"
    RUNS_ON = "runs_on", "Runs on"
    NETWORK_PATH = "network_path", "Reached through network path"
    INTEGRATES = "integrates", "Integrates with"


class Effect(models.TextChoices):
    """What happens to the dependent system when the one it depends on fails."""

    FAILS = "fails", "Fails"
    DEGRADES = "degrades", "Degrades"


# The effect a new dependency gets unless someone says otherwise.
DEFAULT_EFFECT = {
    DependencyKind.AUTHENTICATES: Effect.FAILS,
    DependencyKind.RUNS_ON: Effect.FAILS,
    DependencyKind.NETWORK_PATH: Effect.FAILS,
    DependencyKind.RECEIVES_DATA: Effect.DEGRADES,
    DependencyKind.INTEGRATES: Effect.DEGRADES,
}


class Dependency(models.Model):
    """`system` depends on `depends_on`; when `depends_on` fails, `system` suffers `effect`."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="dependencies")
    depends_on = models.ForeignKey(System, on_delete=models.CASCADE, related_name="dependents")
    kind = models.CharField(max_length=20, choices=DependencyKind.choices)
    effect = models.CharField(max_length=10, choices=Effect.choices, default=Effect.FAILS)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["system_id", "depends_on_id", "kind"]
        verbose_name_plural = "dependencies"
        indexes = [
            # Impact analysis walks edges from the failed system to its dependents.
            models.Index(fields=["depends_on", "system"], name="dependency_reverse_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "depends_on", "kind"],
                name="dependency_unique",
                violation_error_message="This dependency is already recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(system=models.F("depends_on")),
                name="dependency_not_self",
                violation_error_message="A system cannot depend on itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system_id} {self.kind} {self.depends_on_id}"


class SystemsSettings(models.Model):
    """The district's one row of settings for this hat (pk 1), edited by leaders.

    `graph_version` moves on every change to systems or dependencies, so a process can
    keep the dependency graph in memory and know, with one small query, when to reload.
    """

    escalate_after_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="Alert the next level when nobody has acknowledged by then."
    )
    auto_resolve_minutes = models.PositiveSmallIntegerField(
        default=30,
        help_text="An automatic incident whose checks have all recovered resolves after this "
        "quiet time; a new failure before then rejoins it.",
    )
    status_page_title = models.CharField(max_length=120, default="System status")
    status_page_intro = models.TextField(blank=True)
    status_page_contact = models.CharField(max_length=200, blank=True)
    graph_version = models.PositiveBigIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at", "graph_version")

    class Meta:
        verbose_name_plural = "systems settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(pk=1),
                name="systems_settings_singleton",
                violation_error_message="There is one row of systems settings.",
            )
        ]

    def __str__(self) -> str:
        return "Systems settings"

    @classmethod
    def load(cls) -> SystemsSettings:
        row, _ = cls.objects.get_or_create(pk=1)
        return row
