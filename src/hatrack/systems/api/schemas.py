"""The shapes of the systems API: systems, dependencies, checks and their results,
incidents and their timelines, impact analysis and uptime.

`...Out` is what the API returns, `...In` what it creates from, `...Patch` a partial
change (only the fields sent change). Related records are referred to by id; unknown
fields are refused. Choices are plain string literals (the schema names enums by class).
Money is a decimal string.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from hatrack.directory.schemas import PageOut, StrictIn, unchanged

SystemKind = Literal[
    "sis", "lms", "identity", "email", "network", "firewall", "filtering", "phones",
    "transportation", "food_service", "finance", "state_reporting", "assessment",
    "communications", "safety", "device_management", "infrastructure", "website",
    "library", "other",
]  # fmt: skip
HostingKind = Literal["on_premises", "vendor_cloud", "saas"]
TierNumber = Literal[1, 2, 3, 4]
SystemStateName = Literal["operational", "degraded", "down", "maintenance", "unknown"]
PrivacyName = Literal["public", "internal", "confidential", "restricted"]
AudienceName = Literal["student", "teacher", "staff", "administrator", "aide", "family"]
DataKindName = Literal["student_records", "staff_records", "financial", "health"]
DependencyKindName = Literal[
    "authenticates", "receives_data", "runs_on", "network_path", "integrates"
]
EffectName = Literal["fails", "degrades"]
CheckKindName = Literal["http", "tcp", "dns", "tls"]
CheckStateName = Literal["unknown", "up", "failing", "down", "warning"]
DnsTypeName = Literal["A", "AAAA", "CNAME", "MX", "TXT", "NS"]
IncidentStatusName = Literal["investigating", "identified", "monitoring", "resolved"]
IncidentStatusFilter = Literal["open", "investigating", "identified", "monitoring", "resolved"]
ImpactLevelName = Literal["major", "partial", "degraded"]
IncidentRoleName = Literal["cause", "joined", "impacted"]

# --- Systems -------------------------------------------------------------------------


class LinkOut(Schema):
    title: str
    url: str


class SystemRowOut(Schema):
    """A system as the list returns it."""

    id: int
    name: str
    kind: SystemKind
    tier: TierNumber
    hosting: HostingKind
    state: SystemStateName
    vendor_id: int | None
    owner_id: int | None
    has_failover: bool
    published: bool
    active: bool
    renewal_date: date | None
    updated_at: datetime


class SystemOut(SystemRowOut):
    """A system in full. `runbook_html` and `continuity_html` are sanitized HTML."""

    description: str
    backup_owner_id: int | None
    audiences: list[AudienceName]
    site_ids: list[int] = Field(..., description="Sites whose people use it; empty: every site.")
    approximate_users: int | None
    data_held: list[DataKindName]
    privacy: PrivacyName
    rto_minutes: int | None
    rpo_minutes: int | None
    annual_cost: Decimal | None
    funding_source_id: int | None
    runbook: str
    runbook_html: str
    continuity_plan: str
    continuity_html: str
    links: list[LinkOut]
    public_name: str
    public_description: str
    state_changed_at: datetime | None
    created_at: datetime


class SystemPage(PageOut):
    items: list[SystemRowOut]


class SystemFilters(Schema):
    q: str = Field("", max_length=100, description="Part of the system's name.")
    kind: SystemKind | None = None
    tier: int | None = Field(None, ge=1, le=4, description="1 (critical) to 4 (low).")
    state: SystemStateName | None = None
    active: bool | None = Field(True, description="Active systems unless told (null: all).")


class LinkIn(StrictIn):
    title: str = Field("", max_length=100)
    url: str = Field(..., max_length=500)


class SystemIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=120)
    kind: SystemKind
    hosting: HostingKind
    tier: TierNumber = 2
    description: str = ""
    vendor_id: int | None = None
    owner_id: int | None = None
    backup_owner_id: int | None = None
    audiences: list[AudienceName] = Field(default_factory=list)
    site_ids: list[int] = Field(default_factory=list, max_length=500)
    approximate_users: int | None = Field(None, ge=0)
    data_held: list[DataKindName] = Field(default_factory=list)
    privacy: PrivacyName = "internal"
    rto_minutes: int | None = Field(None, ge=0)
    rpo_minutes: int | None = Field(None, ge=0)
    has_failover: bool = False
    renewal_date: date | None = None
    annual_cost: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    funding_source_id: int | None = None
    runbook: str = Field("", description="Markdown.")
    continuity_plan: str = Field("", description="Markdown.")
    links: list[LinkIn] = Field(default_factory=list, max_length=20)
    published: bool = False
    public_name: str = Field("", max_length=120)
    public_description: str = Field("", max_length=300)
    active: bool = True


class SystemPatch(StrictIn):
    name: str = unchanged(min_length=1, max_length=120)
    kind: SystemKind = unchanged()
    hosting: HostingKind = unchanged()
    tier: TierNumber = unchanged()
    description: str = unchanged()
    vendor_id: int | None = unchanged()
    owner_id: int | None = unchanged()
    backup_owner_id: int | None = unchanged()
    audiences: list[AudienceName] = unchanged()
    site_ids: list[int] = unchanged(max_length=500)
    approximate_users: int | None = unchanged(ge=0)
    data_held: list[DataKindName] = unchanged()
    privacy: PrivacyName = unchanged()
    rto_minutes: int | None = unchanged(ge=0)
    rpo_minutes: int | None = unchanged(ge=0)
    has_failover: bool = unchanged()
    renewal_date: date | None = unchanged()
    annual_cost: Decimal | None = unchanged(ge=0, max_digits=12, decimal_places=2)
    funding_source_id: int | None = unchanged()
    runbook: str = unchanged()
    continuity_plan: str = unchanged()
    links: list[LinkIn] = unchanged(max_length=20)
    published: bool = unchanged()
    public_name: str = unchanged(max_length=120)
    public_description: str = unchanged(max_length=300)
    active: bool = unchanged()


# --- Dependencies --------------------------------------------------------------------


class DependencyOut(Schema):
    id: int
    system_id: int = Field(..., description="The system that depends...")
    depends_on_id: int = Field(..., description="...on this one.")
    kind: DependencyKindName
    effect: EffectName = Field(
        ..., description="What happens to system_id when depends_on_id fails."
    )
    note: str
    created_at: datetime


class DependencyPage(PageOut):
    items: list[DependencyOut]


class DependencyFilters(Schema):
    system: int | None = Field(None, description="Dependencies of this system id (what it needs).")
    depends_on: int | None = Field(
        None, description="Dependencies on this system id (its dependents)."
    )


class DependencyIn(StrictIn):
    system_id: int
    depends_on_id: int
    kind: DependencyKindName
    effect: EffectName | None = Field(None, description="Unless given, the kind's usual effect.")
    note: str = Field("", max_length=300)


# --- Checks --------------------------------------------------------------------------


class CheckOut(Schema):
    id: int
    system_id: int
    name: str
    kind: CheckKindName
    target: str
    port: int | None
    expected: str
    must_contain: str
    must_not_contain: str
    dns_record_type: DnsTypeName
    tls_warn_days: int
    interval_seconds: int
    timeout_seconds: float
    retries: int
    failures_to_confirm: int
    degrades_only: bool
    enabled: bool
    state: CheckStateName
    consecutive_failures: int
    last_run_at: datetime | None
    last_ok_at: datetime | None
    last_response_ms: int | None
    last_error: str
    tls_expires_at: datetime | None
    next_run_at: datetime | None
    updated_at: datetime


class CheckPage(PageOut):
    items: list[CheckOut]


class CheckFilters(Schema):
    system: int | None = Field(None, description="Checks of this system id.")
    kind: CheckKindName | None = None
    state: CheckStateName | None = None
    enabled: bool | None = None


class CheckIn(StrictIn):
    system_id: int
    name: str = Field(..., min_length=1, max_length=120)
    kind: CheckKindName
    target: str = Field(
        ..., min_length=1, max_length=500, description="A URL for HTTP, a host name otherwise."
    )
    port: int | None = Field(None, ge=1, le=65535)
    expected: str = Field("", max_length=200)
    must_contain: str = Field("", max_length=200)
    must_not_contain: str = Field("", max_length=200)
    dns_record_type: DnsTypeName = "A"
    tls_warn_days: int = Field(14, ge=0, le=365)
    interval_seconds: int = Field(60, ge=1)
    timeout_seconds: float = Field(10.0, gt=0, le=60)
    retries: int = Field(1, ge=0, le=5)
    failures_to_confirm: int = Field(2, ge=1, le=20)
    degrades_only: bool = False
    enabled: bool = True


class CheckPatch(StrictIn):
    name: str = unchanged(min_length=1, max_length=120)
    kind: CheckKindName = unchanged()
    target: str = unchanged(min_length=1, max_length=500)
    port: int | None = unchanged(ge=1, le=65535)
    expected: str = unchanged(max_length=200)
    must_contain: str = unchanged(max_length=200)
    must_not_contain: str = unchanged(max_length=200)
    dns_record_type: DnsTypeName = unchanged()
    tls_warn_days: int = unchanged(ge=0, le=365)
    interval_seconds: int = unchanged(ge=1)
    timeout_seconds: float = unchanged(gt=0, le=60)
    retries: int = unchanged(ge=0, le=5)
    failures_to_confirm: int = unchanged(ge=1, le=20)
    degrades_only: bool = unchanged()
    enabled: bool = unchanged()


class CheckResultOut(Schema):
    checked_at: datetime
    ok: bool
    response_ms: int | None
    error: str


class CheckResultList(Schema):
    items: list[CheckResultOut] = Field(
        ..., description="Newest first; raw results are kept 7 days."
    )


# --- Incidents -----------------------------------------------------------------------


class IncidentRowOut(Schema):
    id: int
    reference: str = Field(..., description="INC-00042")
    title: str
    status: IncidentStatusName
    impact_level: ImpactLevelName
    source: Literal["check", "manual"]
    public: bool
    started_at: datetime
    detected_at: datetime
    acknowledged_at: datetime | None
    recovered_at: datetime | None
    resolved_at: datetime | None


class IncidentSystemOut(Schema):
    system_id: int
    name: str
    role: IncidentRoleName


class IncidentUpdateOut(Schema):
    id: int
    kind: Literal["update", "event"]
    status: IncidentStatusName
    body: str
    public: bool
    created_by_id: int | None
    created_at: datetime


class IncidentOut(IncidentRowOut):
    """An incident in full, with its systems and its timeline (oldest first)."""

    public_title: str
    acknowledged_by_id: int | None
    opened_by_id: int | None
    flaps: int
    impact: dict[str, object] = Field(..., description="The impact analysis snapshot.")
    root_cause: str
    reviewed_at: datetime | None
    systems: list[IncidentSystemOut]
    timeline: list[IncidentUpdateOut]


class IncidentPage(PageOut):
    items: list[IncidentRowOut]


class IncidentFilters(Schema):
    status: IncidentStatusFilter | None = Field(None, description="'open': not resolved.")
    system: int | None = Field(None, description="Incidents this system id is part of.")


class IncidentIn(StrictIn):
    title: str = Field(..., max_length=200)
    system_ids: list[int] = Field(..., max_length=100, description="The failing systems.")
    impact_level: ImpactLevelName = "major"
    message: str = Field(..., description="The first update of the timeline.")
    public: bool = True
    public_title: str = Field(
        "", max_length=200, description='The status page\'s title; empty: "<systems> disruption".'
    )
    started_at: datetime | None = Field(None, description="Unless given: now.")


class IncidentUpdateIn(StrictIn):
    body: str = Field(..., max_length=10000)
    status: IncidentStatusName | None = Field(None, description="Move the incident to this status.")
    public: bool = False


# --- Impact and uptime ---------------------------------------------------------------


class ImpactIn(StrictIn):
    failed: list[int] = Field(
        ..., min_length=1, max_length=500, description="Ids of failed systems."
    )


class ImpactedSystemOut(Schema):
    id: int
    name: str
    tier: int
    kind: str
    effect: Literal["failed", "fails", "degrades"]
    via: list[int] = Field(
        ..., description="The impacted systems it depends on that brought the failure to it."
    )
    depth: int


class ImpactSiteOut(Schema):
    id: int
    name: str


class ImpactOut(Schema):
    """Systems: the selected ones first, then those that fail, then those that degrade;
    each group by tier, then name."""

    selected: list[int]
    systems: list[ImpactedSystemOut]
    people: int
    sites: list[ImpactSiteOut]
    all_sites: bool
    audiences: list[str]
    families: int = Field(
        ..., description="About how many families (the largest family-facing system's estimate)."
    )


class UptimeOut(Schema):
    system_id: int
    days: int
    start: datetime
    end: datetime
    uptime_percent: float | None = Field(..., description="Null when no check watches the system.")
    downtime_seconds: float
