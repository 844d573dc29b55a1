"""make_<thing>(**overrides): small valid records for tests, unique by a counter."""

import itertools

from hatrack.directory.models import Department, District, Person, Site

_seq = itertools.count(1)


def make_district(**overrides: object) -> District:
    values = {
        "name": "Maple Valley Unified",
        "state": "OR",
        "nces_lea_id": "4100001",
        "enrollment": 9000,
    }
    values.update(overrides)
    district = District(**values)
    district.save()
    return district


def make_site(**overrides: object) -> Site:
    n = next(_seq)
    values = {"name": f"Test School {n}", "code": f"TS{n}", "kind": Site.Kind.ELEMENTARY}
    values.update(overrides)
    return Site.objects.create(**values)


def make_department(**overrides: object) -> Department:
    n = next(_seq)
    values = {"name": f"Department {n}", "code": f"D{n}"}
    values.update(overrides)
    return Department.objects.create(**values)


def make_person(**overrides: object) -> Person:
    n = next(_seq)
    values = {
        "given_name": f"Given{n}",
        "family_name": f"Family{n}",
        "role": Person.Role.STUDENT,
        "source_id": f"src-{n}",
        "sis_id": f"{100000 + n}",
    }
    values.update(overrides)
    return Person.objects.create(**values)
