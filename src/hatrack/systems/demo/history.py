"""A year of Cedar Hollow's incidents: what went wrong, in the words the technicians and
the status page used, with the outages their checks recorded (so uptime is real).

`Scenario`s are the kinds of failure the district lives through; each happens a few
times on seeded school days. Built as plain model instances and bulk-inserted.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from hatrack.servicedesk.services.knowledge import render_markdown
from hatrack.systems.graph import impact_of
from hatrack.systems.models import (
    Check,
    ImpactLevel,
    Incident,
    IncidentRole,
    IncidentSource,
    IncidentStatus,
    IncidentSystem,
    IncidentUpdate,
    Outage,
    System,
    UpdateKind,
)

MAJOR, PARTIAL, DEGRADED = ImpactLevel.MAJOR, ImpactLevel.PARTIAL, ImpactLevel.DEGRADED
AUTO_RESOLVE = dt.timedelta(minutes=30)
# How far back the demo's incident history goes (and how long its checks have run).
HISTORY_DAYS = 365
CONFIRM = dt.timedelta(minutes=2)  # two failed runs a minute apart


@dataclass(frozen=True)
class Scenario:
    cause: str
    joined: tuple[str, ...]
    title: str
    public_title: str
    level: str
    minutes: tuple[int, int]
    times: int
    investigating: str
    identified: str
    resolved: str
    root_cause: str = ""
    actions: str = ""
    manual: bool = False
    months: tuple[int, ...] = ()
    degraded: bool = False


SCENARIOS = [
    Scenario("sso", ("lms", "assess", "library"), "ClassLink sign-in failing",
             "Trouble signing in through ClassLink", MAJOR, (35, 95), 3,
             "Students and staff cannot sign in through ClassLink. We are looking into it.",
             "ClassLink has confirmed a problem on their side affecting many districts. "
             "Teachers can sign in to Canvas and Google directly with their district password.",
             "Sign-in through ClassLink works again. Thank you for your patience.",
             "Vendor outage: a failed deployment at ClassLink.",
             "- Keep the direct sign-in instructions on the staff intranet front page.\n"
             "- Ask ClassLink for their incident report."),
    Scenario("internet", ("sso", "gws", "lms", "comms", "filter"), "Internet circuit down",
             "No internet access at schools", MAJOR, (110, 340), 2,
             "Schools and the district office have lost their internet connection.",
             "A contractor cut the Badger Lakes Fiber line on County Road K. The carrier's "
             "crew is splicing it; we expect several hours.",
             "The internet connection is back at every school.",
             "Fiber cut by a contractor; the district has a single internet circuit.",
             "- Budget request for a second, diverse circuit (FY27).\n"
             "- Ask the carrier for a locate-ticket escalation contact."),
    Scenario("sis", (), "PowerSchool slow during enrollment", "PowerSchool is slow", DEGRADED,
             (90, 240), 2,
             "PowerSchool pages are loading slowly for office staff and families.",
             "Enrollment season load: PowerSchool added capacity to our instance.",
             "PowerSchool response times are back to normal.",
             "Enrollment and schedule changes at the start of the year overloaded the instance.",
             "- Ask PowerSchool to scale up ahead of registration week next year.",
             months=(8, 9), degraded=True),
    Scenario("website", (), "District website certificate expired",
             "The district website shows a security warning", PARTIAL, (60, 180), 1,
             "Visitors to the district website see a certificate warning.",
             "The website's TLS certificate expired: the automatic renewal failed after a DNS "
             "change.", "The certificate is renewed; the website loads normally.",
             "Certificate auto-renewal failed after a DNS record moved.",
             "- TLS expiry check on every public site, warning 21 days ahead."),
    Scenario("visitor", (), "Visitor kiosks offline: certificate expired",
             "Visitor sign-in kiosks unavailable", PARTIAL, (45, 120), 1,
             "Visitor kiosks at the schools cannot reach Raptor.",
             "The kiosks' client certificate expired; offices use the paper visitor log.",
             "Kiosks are renewed and working.", "Kiosk certificate expired unnoticed.",
             "- Add the kiosk certificate to the TLS checks."),
    Scenario("sis", ("roster",), "PowerSchool maintenance ran into the school morning",
             "PowerSchool unavailable", PARTIAL, (40, 110), 2,
             "PowerSchool is unavailable after the vendor's overnight maintenance.",
             "PowerSchool's maintenance window overran; attendance can be taken on paper.",
             "PowerSchool is available again. Please enter this morning's attendance.",
             "Vendor maintenance overran its window.",
             "- Ask PowerSchool to end maintenance by 5:00 on school days."),
    Scenario("erp", (), "Skyward unavailable after vendor maintenance",
             "Skyward unavailable", PARTIAL, (30, 120), 1,
             "Skyward Finance is not loading for district office staff.",
             "Skyward's weekend maintenance did not finish; their team is on it.",
             "Skyward is back.", "Vendor maintenance overran its window."),
    Scenario("wifi", (), "Meraki dashboard unreachable", "Wi-Fi slow at some schools",
             DEGRADED, (30, 90), 2,
             "Some schools report slow Wi-Fi and the Meraki dashboard is unreachable.",
             "Meraki's cloud had a regional problem; access points kept serving clients.",
             "Wi-Fi is normal at every school.", degraded=True),
    Scenario("voip", ("paging",), "Phones down at several schools", "School phones unavailable",
             MAJOR, (25, 80), 2,
             "Desk phones at several schools show 'No service'.",
             "The call server restarted after a power event; phones are re-registering. "
             "Red phones in each office work for 911.", "Phones work again at every school.",
             "UPS in the district office data center failed its self-test and dropped load.",
             "- Replace the UPS battery string.\n- Test the UPS quarterly."),
    Scenario("filter", ("lms",), "Content filter outage: no web on Chromebooks",
             "Student Chromebooks cannot reach websites", MAJOR, (20, 70), 2,
             "Student Chromebooks cannot load websites.",
             "GoGuardian's filtering service is down; Chromebooks fail closed as CIPA requires.",
             "Student web access is back.", "Vendor outage at GoGuardian."),
    Scenario("food", (), "Meal POS offline at lunch", "Meal accounts unavailable", PARTIAL,
             (20, 60), 2,
             "Cafeteria registers cannot reach LINQ.",
             "LINQ has a service problem; cashiers record meals on printed rosters.",
             "Registers are back online; the kitchens are entering the paper rosters.",
             "Vendor outage at LINQ during lunch."),
    Scenario("comms", (), "ParentSquare messages delayed", "Family messages delayed",
             DEGRADED, (40, 150), 2,
             "Emails and texts from ParentSquare are arriving late.",
             "ParentSquare's text provider is queueing messages.",
             "Messages are delivered on time again.", degraded=True),
    Scenario("lms", (), "Canvas unavailable", "Canvas unavailable", MAJOR, (25, 90), 2,
             "Canvas is not loading for students and teachers.",
             "Instructure reports a problem with their hosting provider.",
             "Canvas is working again. Teachers will adjust due dates.",
             "Vendor outage at Instructure's hosting provider."),
    Scenario("transport", ("gps",), "Routefinder unavailable", "Bus stop finder unavailable",
             PARTIAL, (40, 140), 1,
             "Transportation cannot open Routefinder.",
             "Transfinder's hosted service is down; drivers use their printed route sheets.",
             "Routefinder and the stop finder work again."),
    Scenario("gws", (), "Gmail delivery delays", "Email delayed", DEGRADED, (30, 120), 1,
             "Email to and from the district is arriving late.",
             "Google reports delays in Gmail delivery.", "Email is delivered normally again.",
             degraded=True),
    Scenario("doors", (), "Door access controller offline at a school", "", PARTIAL, (60, 200),
             1, "A door controller at one school is offline.",
             "The controller's power supply failed; doors run on their last schedule.",
             "Controller replaced.", "Power supply failure.", manual=True),
    Scenario("san", ("vmware", "helpdesk", "print"), "Storage latency slowing servers", "",
             DEGRADED, (60, 180), 1,
             "Servers on the VMware cluster are very slow.",
             "A failed drive's rebuild on the SAN is saturating it; we lowered its priority.",
             "Rebuild finished; latency is normal.",
             "Drive failure on the single SAN array; rebuild at high priority.",
             "- Set rebuild priority to low during school hours.\n"
             "- Second array in the FY27 budget.", degraded=True),
    Scenario("dns", ("ad", "helpdesk", "print"), "DNS and DHCP down after patching",
             "Devices cannot connect at schools", MAJOR, (30, 75), 1,
             "Devices at every school cannot get an address.",
             "Both DNS/DHCP servers rebooted at once after patching.",
             "Both servers are up; devices are connecting.",
             "Patch schedule rebooted both servers in the same window.",
             "- Separate patch windows for the two servers.\n- Add a DHCP check per site."),
    Scenario("backup", (), "Nightly backups failing", "", DEGRADED, (600, 1400), 2,
             "Last night's backup jobs failed.", "The backup repository is full.",
             "Old restore points pruned; backups succeeded.", manual=True),
    Scenario("paging", (), "Bell schedule wrong after the time change", "", PARTIAL, (60, 240),
             1, "Bells are ringing an hour off at the elementary schools.",
             "The bell controllers did not follow the daylight saving change.",
             "Clocks set; bells on time.", "Controllers use a fixed UTC offset.",
             "- Point the controllers at the district's NTP servers.", manual=True, months=(3, 11)),
    Scenario("signage", (), "Digital signage not responding", "", PARTIAL, (3, 5), 14,
             "", "", ""),
]  # fmt: skip
REVIEWED = {"sso", "internet", "san", "dns", "voip", "website"}


@dataclass
class Built:
    incidents: list[Incident] = field(default_factory=list)
    roles: list[IncidentSystem] = field(default_factory=list)
    updates: list[IncidentUpdate] = field(default_factory=list)
    outages: list[Outage] = field(default_factory=list)


class History:
    """Makes the year of incidents, ending at `end` (midnight today, district time)."""

    def __init__(
        self,
        rng: random.Random,
        *,
        end: dt.datetime,
        zone: Any,
        systems: dict[str, System],
        checks: dict[str, list[Check]],
        users: list[Any],
    ) -> None:
        self.rng, self.end, self.zone = rng, end, zone
        self.systems, self.checks, self.users = systems, checks, [u for u in users if u]
        self.key_of = {system.pk: key for key, system in systems.items()}
        self.built = Built()

    def build(self) -> Built:
        for scenario in SCENARIOS:
            for _ in range(scenario.times):
                self.incident(scenario, self.start_time(scenario))
        return self.built

    def start_time(self, scenario: Scenario) -> dt.datetime:
        while True:
            day = (self.end - dt.timedelta(days=self.rng.randint(3, HISTORY_DAYS - 3))).astimezone(
                self.zone
            )
            if day.weekday() < 5 and (not scenario.months or day.month in scenario.months):
                break
        if scenario.cause == "signage":  # the stand-in's flaky minute
            clock = dt.time(self.rng.randint(6, 17), 20)
        else:
            minutes = self.rng.randint(6 * 60 + 30, 15 * 60)
            clock = dt.time(minutes // 60, minutes % 60)
        return dt.datetime.combine(day.date(), clock, self.zone).astimezone(dt.UTC)

    def incident(self, scenario: Scenario, started: dt.datetime) -> None:
        rng, cause = self.rng, self.systems[scenario.cause]
        lasted = dt.timedelta(minutes=rng.randint(*scenario.minutes))
        detected = started + (dt.timedelta(minutes=rng.randint(5, 25)) if scenario.manual
                              else CONFIRM)  # fmt: skip
        flake = scenario.cause == "signage"
        acknowledged = None if flake and rng.random() < 0.5 else (
            detected + dt.timedelta(minutes=rng.randint(2, 14)))  # fmt: skip
        recovered = started + lasted
        resolved = recovered + (AUTO_RESOLVE if not scenario.manual else dt.timedelta(minutes=10))
        by = rng.choice(self.users) if self.users else None
        public = bool(scenario.public_title) and cause.published
        failed, degraded, snapshot = self.impact(scenario)
        incident = Incident(
            title=scenario.title,
            public_title=scenario.public_title,
            status=IncidentStatus.RESOLVED,
            impact_level=scenario.level,
            source=IncidentSource.MANUAL if scenario.manual else IncidentSource.CHECK,
            public=public,
            started_at=started,
            detected_at=detected,
            acknowledged_at=acknowledged,
            acknowledged_by=by if acknowledged else None,
            recovered_at=recovered,
            resolved_at=resolved,
            opened_by=by if scenario.manual else None,
            alert_level=1,
            impact=snapshot,
        )
        if scenario.cause in REVIEWED and scenario.root_cause:
            self.review(incident, scenario, by, recovered, resolved)
        self.built.incidents.append(incident)
        self.roles(incident, scenario, failed | degraded)
        self.outages(incident, scenario, started, recovered)
        self.timeline(incident, scenario, by, public)

    def impact(self, scenario: Scenario) -> tuple[set[str], set[str], dict[str, Any]]:
        """What failed and degraded with the cause, by the same analysis the pages run
        (`graph.impact_of`), and its snapshot; a degraded cause only degrades the rest."""
        start = [self.systems[key].pk for key in (scenario.cause, *scenario.joined)]
        snapshot = impact_of(start).as_json()
        if scenario.degraded:
            snapshot["degraded"] = sorted({*snapshot["failed"], *snapshot["degraded"]})
            snapshot["failed"] = []
        failed = {self.key_of[pk] for pk in snapshot["failed"]}
        degraded = {self.key_of[pk] for pk in snapshot["degraded"]}
        return failed, degraded, snapshot

    def roles(self, incident: Incident, scenario: Scenario, touched: set[str]) -> None:
        roles = [(scenario.cause, IncidentRole.CAUSE)]
        roles += [(key, IncidentRole.JOINED) for key in scenario.joined]
        others = sorted(touched - {scenario.cause, *scenario.joined},
                        key=lambda k: (self.systems[k].tier, self.systems[k].name))  # fmt: skip
        roles += [(key, IncidentRole.IMPACTED) for key in others[:12]]
        self.built.roles += [
            IncidentSystem(incident=incident, system=self.systems[key], role=role)
            for key, role in roles
        ]

    def outages(
        self, incident: Incident, scenario: Scenario, started: dt.datetime, ended: dt.datetime
    ) -> None:
        if scenario.manual:
            return
        for n, key in enumerate((scenario.cause, *scenario.joined)):
            lag = dt.timedelta(minutes=n and self.rng.randint(1, 3))
            for check in self.checks.get(key, [])[:1]:
                self.built.outages.append(
                    Outage(
                        check_ref=check,
                        system=self.systems[key],
                        started_at=started + lag,
                        detected_at=started + lag + CONFIRM,
                        ended_at=ended - lag,
                        degraded=scenario.degraded or check.degrades_only,
                        incident=incident,
                    )
                )

    def timeline(self, incident: Incident, scenario: Scenario, by: Any, public: bool) -> None:
        cause = self.systems[scenario.cause]
        entries: list[tuple[dt.datetime, str, str, str, bool, Any]] = []
        event, update = UpdateKind.EVENT, UpdateKind.UPDATE
        if not scenario.manual:
            check = self.checks[scenario.cause][0]
            entries.append((incident.detected_at, event, IncidentStatus.INVESTIGATING,
                            f"{check.name} failed twice in a row: {cause.name} is down.", False,
                            None))  # fmt: skip
            for n, key in enumerate(scenario.joined, start=1):
                entries.append((incident.detected_at + dt.timedelta(minutes=n), event,
                                IncidentStatus.INVESTIGATING,
                                f"{self.systems[key].name} failed too and joined this incident.",
                                False, None))  # fmt: skip
        ack, recovered = incident.acknowledged_at, incident.recovered_at
        if recovered is None or incident.resolved_at is None:
            return
        if scenario.investigating and ack:
            entries.append((ack, update, IncidentStatus.INVESTIGATING, scenario.investigating,
                            public, by))  # fmt: skip
            middle = ack + (recovered - ack) * 0.4 if recovered > ack else recovered
            entries.append((middle, update, IncidentStatus.IDENTIFIED, scenario.identified,
                            public, by))  # fmt: skip
        if not scenario.manual:
            minutes = round((recovered - incident.started_at).total_seconds() / 60)
            entries.append(
                (
                    recovered,
                    event,
                    IncidentStatus.MONITORING,
                    f"{cause.name} recovered after {minutes} minutes.",
                    False,
                    None,
                )
            )
        closing = scenario.resolved or "No failures for 30 minutes: resolved."
        entries.append((incident.resolved_at, update if scenario.resolved else event,
                        IncidentStatus.RESOLVED, closing, public and bool(scenario.resolved),
                        by if scenario.resolved else None))  # fmt: skip
        self.built.updates += [
            IncidentUpdate(
                incident=incident,
                kind=kind,
                status=status,
                body=body,
                public=pub,
                created_by=author,
                created_at=at,
            )
            for at, kind, status, body, pub, author in entries
        ]

    def review(
        self,
        incident: Incident,
        scenario: Scenario,
        by: Any,
        recovered: dt.datetime,
        resolved: dt.datetime,
    ) -> None:
        local = incident.started_at.astimezone(self.zone)
        text = (
            f"## What happened\n\n{scenario.investigating} {scenario.identified}\n\n"
            f"## Timeline\n\n- {local:%H:%M} first failed check\n"
            f"- {incident.detected_at.astimezone(self.zone):%H:%M} confirmed; on-duty alerted\n"
            f"- {recovered.astimezone(self.zone):%H:%M} recovered\n\n"
            f"## Cause\n\n{scenario.root_cause}\n\n"
            "## What went well\n\nThe check caught it before the first call to the help desk; "
            "the status page answered most questions.\n"
        )
        incident.review, incident.review_html = text, render_markdown(text)
        incident.root_cause = scenario.root_cause
        incident.action_items = scenario.actions
        incident.reviewed_at = resolved + dt.timedelta(days=2)
        incident.reviewed_by = by
