"""Who wrote a message: a directory person, or someone the district does not know.

A known person (matched by email, case-insensitively) asks for help as themselves, with
their account when they have an active one. An unknown sender may become a requester
only when their address is in one of the district's own domains (District.email_domains);
the new directory record is made through the directory's service, so it is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hatrack.accounts.models import User
from hatrack.directory.models import District, Person
from hatrack.directory.services import create_person


@dataclass(frozen=True)
class Sender:
    """The author of a message: `person` when the directory knows them; otherwise
    `may_join` says whether their domain lets `add_requester` create them."""

    address: str
    display_name: str
    person: Person | None
    user: User | None
    may_join: bool

    @property
    def known(self) -> bool:
        return self.person is not None


def district_domains() -> set[str]:
    """The district's email domains, lower case ('' when the district has none)."""
    text = District.objects.filter(pk=1).values_list("email_domains", flat=True).first() or ""
    return {d.strip().lstrip("@").lower() for d in text.split(",") if d.strip()}


def find_person(address: str) -> Person | None:
    """The active directory person with this email. The exact (indexed) match is tried
    first; most directories store addresses in lower case."""
    people = Person.objects.active().order_by("id")
    return people.filter(email=address).first() or people.filter(email__iexact=address).first()


def account_of(person: Person) -> User | None:
    return User.objects.filter(person=person, is_active=True).first()


def identify(address: str, display_name: str) -> Sender:
    """Look the sender up; writes nothing."""
    person = find_person(address)
    if person is not None:
        return Sender(address, display_name, person, account_of(person), may_join=False)
    domain = address.rpartition("@")[2]
    return Sender(address, display_name, None, None, may_join=domain in district_domains())


def _names(display_name: str, address: str) -> tuple[str, str]:
    """(given, family) from 'Jane Doe', 'Doe, Jane' or, failing that, 'jane.doe@…'."""
    name = " ".join(display_name.replace('"', " ").split())
    if "@" in name:
        name = ""
    if "," in name:
        family, _, given = name.partition(",")
        name = f"{given.strip()} {family.strip()}"
    words = name.split()
    if len(words) < 2:
        words = [w.capitalize() for w in re.split(r"[._\-+]+", address.partition("@")[0]) if w]
    if len(words) >= 2:
        return words[0][:100], " ".join(words[1:])[:100]
    # One word is all we know; the directory needs two names, and a technician can fix it.
    return (words[0] if words else address)[:100], "(from email)"


def add_requester(sender: Sender) -> Person:
    """Create the unknown sender as a staff person in the directory (audited as made by
    the system). Call only when `sender.may_join`; inside the caller's transaction."""
    given, family = _names(sender.display_name, sender.address)
    return create_person(
        by=None,
        given_name=given,
        family_name=family,
        email=sender.address,
        role=Person.Role.STAFF,
    )
