"""Demo accounts: one sign-in per role, each linked to a staff member of the demo district.

The password is fixed and printed by `hatrack demo`; these accounts exist only in the
demo data, never in a real district's database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password

from hatrack.accounts.models import User
from hatrack.core.roles import Role

DEMO_PASSWORD = "hatrack-demo"  # noqa: S105  (printed for everyone to use; demo data only)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    person_key: str  # which of directory.demo's `demo_people` the account belongs to


DEMO_ACCOUNTS = [
    DemoAccount("leader", Role.LEADER, "technology_director"),
    DemoAccount("technician", Role.TECHNICIAN, "technician"),
    DemoAccount("staff", Role.STAFF, "teacher"),
    DemoAccount("viewer", Role.VIEWER, "assistant_superintendent"),
]


def load(rng: random.Random, context: Any) -> None:
    """Create the demo accounts (skipping a username that is already taken)."""
    people = context.records["demo_people"]
    taken = set(
        User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).values_list(
            "username", flat=True
        )
    )
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    users = {}
    for account in DEMO_ACCOUNTS:
        if account.username in taken:
            continue
        person = people[account.person_key]
        user = User(
            username=account.username,
            first_name=person.given_name,
            last_name=person.family_name,
            email=person.email,
            role=account.role,
            person=person,
            password=password,
        )
        users[account.role] = user
    User.objects.bulk_create(users.values())
    context.records["users"] = users
    context.counts["user accounts"] = len(users)
