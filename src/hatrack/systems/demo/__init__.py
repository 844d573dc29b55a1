"""The demo district's systems: ~40 systems with owners, costs, renewals, runbooks and
~120 dependencies; a health check for each pointed at the stand-in service that
`hatrack demo` starts (`systems.standin`), so the worker runs them live; a year of
incidents with their outages, a month of hourly response times and a day of raw
results; maintenance windows, this week's on-duty rota and status page subscribers.

Deterministic for a given day (seeded; times count back from midnight today, district
time) and fast: a handful of bulk inserts, rendered Markdown and no per-row services.
The demo runner records the one audit batch.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from hatrack.directory.models import FundingSource, Person, Site, Vendor
from hatrack.servicedesk.demo import insert_rows
from hatrack.servicedesk.services.knowledge import render_markdown
from hatrack.systems import standin
from hatrack.systems.demo.catalog import (
    EDGES,
    NO_SSO,
    ON_VMWARE,
    RAW_RESULTS,
    SITE_GROUPS,
    SYSTEMS,
    THROUGH_FIREWALL,
    VENDORS,
    SystemPlan,
)
from hatrack.systems.demo.history import HISTORY_DAYS, Built, History
from hatrack.systems.graph import bump_graph_version
from hatrack.systems.models import (
    DEFAULT_EFFECT,
    Check,
    CheckKind,
    CheckResult,
    CheckRollup,
    CheckState,
    Dependency,
    DependencyKind,
    IncidentSystem,
    IncidentUpdate,
    MaintenanceWindow,
    OnDuty,
    Outage,
    State,
    StatusSubscriber,
    System,
    SystemsSettings,
)
from hatrack.systems.models import Incident as IncidentModel

WIKI = "https://wiki.cedarhollow.example/systems/"
HOURS_OF_ROLLUPS = 30 * 24
MINUTES_OF_RESULTS = 24 * 60


def load(rng: random.Random, context: Any) -> None:
    """Systems, dependencies and checks; then the history the checks would have kept."""
    zone = ZoneInfo(context.records["district"].time_zone)
    now = timezone.now()
    today = now.astimezone(zone).date()
    midnight = dt.datetime.combine(today, dt.time.min, zone).astimezone(dt.UTC)
    systems = _systems(_vendors(), _owners(context), today)
    edges = _dependencies(systems)
    checks = _checks(systems, now)
    users = context.records.get("users", {})
    leader, technician = users.get("leader"), users.get("technician")
    # The history's impact snapshots come from the graph, which must see these edges.
    bump_graph_version()
    history = History(
        rng,
        end=midnight,
        zone=zone,
        systems=systems,
        checks=checks,
        users=[technician, technician, leader],
    )
    built = _history(history)
    rollups, results = _response_times(rng, checks, built.outages, now)
    windows = _maintenance(systems, zone, today, leader)
    duty = _on_duty([technician, leader], zone, today)
    subscribers = _subscribers()
    _settings()
    context.records["systems"] = systems
    context.counts.update(
        {
            "systems": len(systems),
            "system dependencies": len(edges),
            "health checks": sum(len(c) for c in checks.values()),
            "incidents": len(built.incidents),
            "outages": len(built.outages),
            "check rollups": rollups,
            "check results": results,
            "maintenance windows": windows,
            "on-duty shifts": duty,
            "status subscribers": subscribers,
        }
    )


def _vendors() -> dict[str, Vendor]:
    existing = {v.name: v for v in Vendor.objects.filter(name__in=[n for n, _, _ in VENDORS])}
    missing = [
        Vendor(
            name=name,
            website=website,
            account_number=account,
            phone=f"(920) 555-{170 + n:04d}",
            email=f"k12-support@{name.split()[0].lower()}.example",
            notes="Systems vendor (demo).",
        )
        for n, (name, website, account) in enumerate(VENDORS)
        if name not in existing
    ]
    Vendor.objects.bulk_create(missing)
    return existing | {v.name: v for v in missing}


def _owners(context: Any) -> dict[str, Person | None]:
    """Owners by role: the technology department's head and staff, other departments' heads."""
    departments = context.records["departments"]
    owners: dict[str, Person | None] = {code: d.head for code, d in departments.items()}
    tech = list(
        Person.objects.filter(
            department=departments["TECH"], role=Person.Role.STAFF, active=True
        ).order_by("id")[:6]
    )
    owners["director"] = context.records["demo_people"]["technology_director"]
    for n in range(6):
        owners[f"tech{n + 1}"] = tech[n % len(tech)] if tech else None
    return owners


def _systems(
    vendors: dict[str, Vendor], owners: dict[str, Person | None], today: dt.date
) -> dict[str, System]:
    funds = {f.name: f for f in FundingSource.objects.all()}
    rows = [_system(plan, vendors, owners, funds, today) for plan in SYSTEMS]
    System.objects.bulk_create(rows)
    sites = {s.code: s for s in Site.objects.all()}
    through = System.sites.through
    through.objects.bulk_create(
        through(system_id=system.pk, site_id=sites[code].pk)
        for plan, system in zip(SYSTEMS, rows, strict=True)
        for code in SITE_GROUPS[plan.sites]
        if code in sites
    )
    return {plan.key: system for plan, system in zip(SYSTEMS, rows, strict=True)}


def _system(
    plan: SystemPlan,
    vendors: dict[str, Vendor],
    owners: dict[str, Person | None],
    funds: dict[str, FundingSource],
    today: dt.date,
) -> System:
    vendor = vendors.get(plan.vendor)
    owner, backup = owners.get(plan.owner), owners.get(plan.backup)
    runbook, continuity = _runbook(plan, vendor, owner, backup), _continuity(plan)
    links = [{"title": "District runbook folder", "url": f"{WIKI}{plan.key}"}]
    if vendor and vendor.website:
        links.insert(0, {"title": f"{vendor.name} support", "url": vendor.website})
    return System(
        name=plan.name,
        kind=plan.kind,
        description=plan.description,
        vendor=vendor,
        owner=owner,
        backup_owner=backup,
        hosting=plan.hosting,
        tier=plan.tier,
        audiences=list(plan.audiences),
        approximate_users=plan.users or None,
        data_held=list(plan.data),
        privacy=plan.privacy,
        rto_minutes=plan.rto,
        rpo_minutes=plan.rpo,
        has_failover=plan.failover,
        renewal_date=today + dt.timedelta(days=plan.renewal) if plan.renewal else None,
        annual_cost=Decimal(plan.cost) if plan.cost is not None else None,
        funding_source=funds.get(plan.fund),
        runbook=runbook,
        runbook_html=render_markdown(runbook),
        continuity_plan=continuity,
        continuity_html=render_markdown(continuity),
        links=links,
        published=bool(plan.public),
        public_name=plan.public,
        public_description=plan.public_text,
        state=State.OPERATIONAL if plan.check else State.UNKNOWN,
        state_changed_at=timezone.now(),
    )


def _runbook(
    plan: SystemPlan, vendor: Vendor | None, owner: Person | None, backup: Person | None
) -> str:
    who = vendor.name if vendor else "our own team"
    call = (
        f"Call {vendor.name} support at {vendor.phone} (account {vendor.account_number})."
        if vendor
        else "Escalate to the technology director."
    )
    return (
        f"## When {plan.name} fails\n\n"
        "1. Open the incident in Hatrack and check what else is down (the impact list).\n"
        f"2. Check {who}'s status page and the system's check history.\n"
        f"3. {call}\n"
        "4. Post a first public update within 15 minutes, then every 30 minutes.\n"
        f"5. Tell the owner: {owner.full_name if owner else 'the technology director'}"
        f"{f'; backup {backup.full_name}' if backup else ''}.\n"
    )


def _continuity(plan: SystemPlan) -> str:
    return (
        f"**Recovery time objective:** {_duration(plan.rto)}. "
        f"**Recovery point objective:** {_duration(plan.rpo) if plan.rpo else 'no data loss'}.\n\n"
        f"### While it is down\n\n{plan.fallback}\n"
    )


def _duration(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return f"{days} day{'s' * (days != 1)}"
    if minutes % 60 == 0:
        return f"{minutes // 60} hour{'s' * (minutes != 60)}"
    return f"{minutes} minutes"


def _dependencies(systems: dict[str, System]) -> list[Dependency]:
    """The listed edges, plus SSO under most apps, the VMware servers and the firewall path."""
    plans = {plan.key: plan for plan in SYSTEMS}
    edges = {(a, b, kind): (effect, note) for a, b, kind, effect, note in EDGES}
    for key in plans:
        if key not in NO_SSO:
            edges.setdefault((key, "sso", "authenticates"), ("", "Signs in through ClassLink."))
    for key in ON_VMWARE:
        edges.setdefault((key, "vmware", "runs_on"), ("", ""))
    for key in THROUGH_FIREWALL:
        plan = plans[key]
        effect = "degrades" if "family" in plan.audiences or plan.failover else "fails"
        edges.setdefault((key, "firewall", "network_path"), (effect, "From the schools."))
    rows = [
        Dependency(
            system=systems[a],
            depends_on=systems[b],
            kind=kind,
            effect=effect or DEFAULT_EFFECT[DependencyKind(kind)],
            note=note,
        )
        for (a, b, kind), (effect, note) in edges.items()
    ]
    Dependency.objects.bulk_create(rows)
    return rows


def _checks(systems: dict[str, System], now: dt.datetime) -> dict[str, list[Check]]:
    port = standin.configured_port()
    rows: list[Check] = []
    for n, plan in enumerate(SYSTEMS):
        if not plan.check:
            continue
        rows.append(_check(systems[plan.key], plan, port, now, n))
    extra = [
        ("sis", "PowerSchool parent portal", True),
        ("gws", "Gmail web", False),
        ("lms", "Canvas API", True),
    ]
    for n, (key, name, degrades) in enumerate(extra):
        check = _check(systems[key], next(p for p in SYSTEMS if p.key == key), port, now, n + 7)
        check.name, check.degrades_only = name, degrades
        rows.append(check)
    Check.objects.bulk_create(rows)
    # The history below is a year of these checks' outages: they have watched that long
    # (uptime counts only the time a system was watched).
    Check.objects.filter(pk__in=[c.pk for c in rows]).update(
        created_at=now - dt.timedelta(days=HISTORY_DAYS)
    )
    by_key: dict[str, list[Check]] = {}
    names = {s.pk: key for key, s in systems.items()}
    for check in rows:
        by_key.setdefault(names[check.system_id], []).append(check)
    return by_key


def _check(system: System, plan: SystemPlan, port: int, now: dt.datetime, n: int) -> Check:
    typical = standin.typical_ms(plan.key)
    fields: dict[str, Any] = {
        "kind": CheckKind.HTTP,
        "target": f"http://{standin.HOST}:{port}/{plan.key}/health",
        "expected": "200",
        "must_contain": "OK",
    }
    if plan.check == "tcp":
        fields = {"kind": CheckKind.TCP, "target": standin.HOST, "port": port}
    what = "port" if plan.check == "tcp" else "health"
    return Check(
        system=system,
        name=f"{plan.public or plan.name.split(' (')[0]} {what}",
        interval_seconds=60,
        timeout_seconds=5.0,
        retries=1,
        failures_to_confirm=2,
        state=CheckState.UP,
        last_run_at=now - dt.timedelta(seconds=n % 60),
        last_ok_at=now - dt.timedelta(seconds=n % 60),
        last_response_ms=typical,
        # Spread over the first minute, so the worker's first pass is not one burst.
        next_run_at=now + dt.timedelta(seconds=(n * 7) % 60),
        **fields,
    )


def _history(history: History) -> Built:
    built = history.build()
    IncidentModel.objects.bulk_create(built.incidents)
    IncidentSystem.objects.bulk_create(built.roles)
    IncidentUpdate.objects.bulk_create(built.updates)
    Outage.objects.bulk_create(built.outages)
    return built


def _response_times(
    rng: random.Random, checks: dict[str, list[Check]], outages: list[Outage], now: dt.datetime
) -> tuple[int, int]:
    """Hourly rollups for the last 30 days; raw results for the last day of a few checks
    (their rollups stop where the raw rows begin, as the rollup job would leave them)."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    down: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    for outage in outages:
        if outage.ended_at and outage.ended_at > hour - dt.timedelta(hours=HOURS_OF_ROLLUPS):
            down.setdefault(outage.check_ref.pk, []).append((outage.started_at, outage.ended_at))
    rollups: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for key, key_checks in checks.items():
        typical = standin.typical_ms(key)
        for check in key_checks:
            raw = key in RAW_RESULTS and check is key_checks[0]
            spans = down.get(check.pk, [])
            for back in range(HOURS_OF_ROLLUPS, 24 if raw else 0, -1):
                start = hour - dt.timedelta(hours=back)
                failed = sum(_overlap(start, start + dt.timedelta(hours=1), s, e) for s, e in spans)
                rollups.append(_rollup(rng, check.pk, start, typical, min(60, failed)))
            if raw:
                minute = now.replace(second=0, microsecond=0)
                results.extend(
                    {
                        "check_ref_id": check.pk,
                        "checked_at": minute - dt.timedelta(minutes=back),
                        "ok": True,
                        "response_ms": round(typical * rng.uniform(0.7, 1.6)),
                    }
                    for back in range(MINUTES_OF_RESULTS, 0, -1)
                )
    insert_rows(CheckRollup, rollups)
    insert_rows(CheckResult, results)
    return len(rollups), len(results)


def _rollup(
    rng: random.Random, check_id: int, hour: dt.datetime, typical: int, failures: int
) -> dict[str, Any]:
    """An hour of one-minute runs: `failures` of them failed, the rest timed."""
    timed = 60 - failures
    return {
        "check_ref_id": check_id,
        "hour": hour,
        "runs": 60,
        "failures": failures,
        "timed_runs": timed,
        "total_ms": round(typical * rng.uniform(0.9, 1.25) * timed),
        "min_ms": round(typical * 0.7) if timed else None,
        "max_ms": round(typical * rng.uniform(1.6, 3.5)) if timed else None,
    }


def _overlap(a: dt.datetime, b: dt.datetime, s: dt.datetime, e: dt.datetime) -> int:
    seconds = (min(b, e) - max(a, s)).total_seconds()
    return max(0, round(seconds / 60))


def _maintenance(systems: dict[str, System], zone: ZoneInfo, today: dt.date, leader: Any) -> int:
    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), zone).astimezone(dt.UTC)

    # The Saturday of next week: the upcoming window the status page announces.
    saturday = today + dt.timedelta(days=12 - today.weekday())
    plans = [
        ("PowerSchool upgrade", "PowerSchool and the parent portal are unavailable while "
         "the vendor upgrades them.", ("sis", "roster"), saturday, 6, 10, True),
        ("Phone system software update", "School phones may drop calls for a few minutes.",
         ("voip", "paging"), saturday + dt.timedelta(days=14), 7, 9, True),
        ("Firewall software upgrade", "Internet access at schools may pause briefly.",
         ("firewall", "internet"), saturday - dt.timedelta(days=98), 7, 9, True),
        ("VMware host patching", "Rolling host reboots.", ("vmware",),
         saturday - dt.timedelta(days=40), 20, 23, False),
    ]  # fmt: skip
    for title, text, keys, day, start, end, public in plans:
        window = MaintenanceWindow.objects.create(
            title=title, description=text, starts_at=at(day, start), ends_at=at(day, end),
            public=public, created_by=leader,
        )  # fmt: skip
        window.systems.set([systems[key] for key in keys])
    return len(plans)


def _on_duty(people: list[Any], zone: ZoneInfo, today: dt.date) -> int:
    """This week and next: the technician first, the leader as escalation, then swapped."""
    first, second = people
    if first is None or second is None:
        return 0
    monday = today - dt.timedelta(days=today.weekday())
    shifts = []
    for week, (one, two) in enumerate([(first, second), (second, first)]):
        starts = dt.datetime.combine(monday + dt.timedelta(weeks=week), dt.time.min, zone)
        ends = starts + dt.timedelta(weeks=1)
        shifts += [
            OnDuty(user=one, level=1, starts_at=starts, ends_at=ends, note="Weekly rota"),
            OnDuty(user=two, level=2, starts_at=starts, ends_at=ends, note="Escalation"),
        ]
    OnDuty.objects.bulk_create(shifts)
    return len(shifts)


def _subscribers() -> int:
    now = timezone.now()
    emails = ["pta.alder.grove@families.example", "rivera.family@families.example",
              "coach.nguyen@cedarhollow.example", "board.clerk@cedarhollow.example",
              "new.parent@families.example"]  # fmt: skip
    StatusSubscriber.objects.bulk_create(
        StatusSubscriber(
            email=email,
            token=secrets.token_urlsafe(32),
            confirmed_at=None if email.startswith("new.") else now - dt.timedelta(days=30 + n),
        )
        for n, email in enumerate(emails)
    )
    return len(emails)


def _settings() -> None:
    SystemsSettings.objects.update_or_create(
        pk=1,
        defaults={
            "status_page_title": "Cedar Hollow Unified: system status",
            "status_page_intro": "The district's systems for families and staff. Problems "
            "are posted here as soon as we know about them.",
            "status_page_contact": "Technology help desk, (920) 555-0100",
        },
    )
