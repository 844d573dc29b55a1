"""Writing orgs: the district row, schools as sites, departments.

Row by row: a district has dozens of orgs, not thousands. Sites entered by hand before
the first import are linked (same NCES id, code or name) rather than duplicated.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from hatrack.directory.importers.oneroster.files import Mode
from hatrack.directory.importers.oneroster.rows import OrgRow
from hatrack.directory.imports.progress import Progress
from hatrack.directory.imports.results import Counts, ImportResult
from hatrack.directory.models import Department, District, Site, nces_school_id

_KIND_WORDS: tuple[tuple[str, Site.Kind], ...] = (
    (r"\bk\s*-?\s*(8|12)\b|\bcombined\b", Site.Kind.COMBINED),
    (r"\b(early|preschool|pre-?k|head start|kindergarten center)\b", Site.Kind.EARLY),
    (r"\b(alternative|alt|continuation)\b", Site.Kind.ALTERNATIVE),
    (r"\b(elementary|elem|primary)\b", Site.Kind.ELEMENTARY),
    (r"\b(middle|intermediate|junior high|jr\.? high)\b", Site.Kind.MIDDLE),
    (r"\b(high|secondary|senior)\b", Site.Kind.HIGH),
    (r"\b(office|administration|admin|central)\b", Site.Kind.OFFICE),
)
_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")
_STOP_WORDS = {"of", "the", "and", "for", "at"}


def guess_site_kind(name: str) -> str:
    """The kind of school a name suggests ('Lincoln Elementary' -> elementary)."""
    text = name.lower()
    for pattern, kind in _KIND_WORDS:
        if re.search(pattern, text):
            return kind
    return Site.Kind.COMBINED


def derive_code(name: str, taken: set[str]) -> str:
    """A short unique code from a name: initials ('Lincoln High School' -> 'LHS')."""
    words = [w for w in re.findall(r"[A-Za-z0-9]+", name) if w.lower() not in _STOP_WORDS]
    base = "".join(w[0] for w in words).upper() if len(words) > 1 else "".join(words).upper()
    base = (base or "ORG")[:16]
    code, number = base, 2
    while code.upper() in taken:
        code, number = f"{base}{number}", number + 1
    return code


class OrgWriter:
    """Applies org rows: the district row, schools as sites, departments. Row by row:
    a district has dozens of orgs, not thousands."""

    def __init__(self, result: ImportResult, report: Progress) -> None:
        self.result = result
        self.report = report
        self.now = timezone.now()

    def apply(self, rows: list[OrgRow], mode: Mode, org_ids: set[str]) -> None:
        self.report.begin("Writing the district, sites and departments", len(rows))
        self._district([r for r in rows if r.type == "district"])
        sites = self._sites([r for r in rows if r.type == "school"])
        self._departments([r for r in rows if r.type == "department"], sites)
        if mode == "bulk":
            self._deactivate_missing(org_ids)

    def _district(self, rows: list[OrgRow]) -> None:
        counts = self.result.counts["district"]
        district = District.objects.filter(pk=1).first()
        for row in rows:
            lea_id = row.identifier if re.fullmatch(r"\d{7}", row.identifier) else ""
            if district is None and not row.deleted:
                district = District(
                    name=row.name, source_id=row.source_id, state="", nces_lea_id=lea_id
                )
                district.save()
                counts.created += 1
            elif district is None or district.source_id not in (None, "", row.source_id):
                self.result.skip("district", "only one district is kept")
            elif district.source_id != row.source_id or not district.name:
                district.source_id = row.source_id
                district.name = district.name or row.name
                district.nces_lea_id = district.nces_lea_id or lea_id
                district.save(update_fields=["source_id", "name", "nces_lea_id", "updated_at"])
                counts.updated += 1
            else:
                counts.unchanged += 1

    def _sites(self, rows: list[OrgRow]) -> dict[str, Site]:
        counts = self.result.counts["sites"]
        sites = {s.source_id: s for s in Site.objects.exclude(source_id=None) if s.source_id}
        unlinked = list(Site.objects.filter(source_id=None))
        codes = {c.upper() for c in Site.objects.values_list("code", flat=True)}
        nces_taken = {n for n in Site.objects.values_list("nces_school_id", flat=True) if n}
        for row in rows:
            site = sites.get(row.source_id) or _match_unlinked(unlinked, row)
            if site is None:
                if row.deleted:
                    self.result.skip("sites", "tobedeleted rows of orgs never imported")
                    continue
                site = Site(name=row.name, kind=guess_site_kind(row.name), source_id=row.source_id)
                if _is_nces_id(row.identifier) and row.identifier not in nces_taken:
                    site.nces_school_id = row.identifier
                    nces_taken.add(row.identifier)
                site.code = _code(row.identifier, row.name, codes)
                codes.add(site.code.upper())
                site.save()
                counts.created += 1
            else:
                self._update(site, row, counts, ["name", "source_id", "active"])
            sites[row.source_id] = site
        return sites

    def _departments(self, rows: list[OrgRow], sites: dict[str, Site]) -> None:
        counts = self.result.counts["departments"]
        found = {d.source_id: d for d in Department.objects.exclude(source_id=None) if d.source_id}
        codes = {c.upper() for c in Department.objects.values_list("code", flat=True)}
        for row in rows:
            department = found.get(row.source_id)
            parent = sites.get(row.parent_id)
            if department is None:
                if row.deleted:
                    self.result.skip("departments", "tobedeleted rows of orgs never imported")
                    continue
                department = Department(name=row.name, source_id=row.source_id, site=parent)
                department.code = _code(row.identifier, row.name, codes)
                codes.add(department.code.upper())
                department.save()
                counts.created += 1
            else:
                if not row.deleted and parent is not None:
                    department.site = parent
                self._update(department, row, counts, ["name", "active", "site"])
            found[row.source_id] = department

    def _update(
        self, record: Site | Department, row: OrgRow, counts: Counts, fields: list[str]
    ) -> None:
        before = {name: record.serializable_value(name) for name in fields}
        was_active = record.active
        record.source_id = row.source_id
        record.active = not row.deleted
        if not row.deleted:
            record.name = row.name
        if {name: record.serializable_value(name) for name in fields} == before:
            counts.unchanged += 1
            return
        record.save(update_fields=[*fields, "updated_at"])
        if was_active and row.deleted:
            counts.deactivated += 1
        else:
            counts.updated += 1

    def _deactivate_missing(self, org_ids: set[str]) -> None:
        models: tuple[tuple[str, type[Site] | type[Department]], ...] = (
            ("sites", Site),
            ("departments", Department),
        )
        for name, model in models:
            rows = model._default_manager.filter(active=True).exclude(source_id=None)
            missing = [
                pk
                for pk, source_id in rows.values_list("pk", "source_id")
                if source_id not in org_ids
            ]
            if missing:
                model._default_manager.filter(pk__in=missing).update(
                    active=False, updated_at=self.now
                )
                self.result.counts[name].deactivated += len(missing)


def _is_nces_id(value: str) -> bool:
    try:
        nces_school_id(value)
    except ValidationError:
        return False
    return True


def _code(identifier: str, name: str, taken: set[str]) -> str:
    usable = identifier and _CODE_PATTERN.match(identifier) and not _is_nces_id(identifier)
    if usable and identifier.upper() not in taken:
        return identifier
    return derive_code(name, taken)


def _match_unlinked(unlinked: list[Site], row: OrgRow) -> Site | None:
    """A site entered by hand before the first import: same NCES id, code or name."""
    if row.deleted:
        return None
    for site in unlinked:
        if (
            row.identifier and row.identifier in (site.nces_school_id, site.code)
        ) or site.name.casefold() == row.name.casefold():
            unlinked.remove(site)
            return site
    return None
