"""A synthetic school district for the benchmarks: its database, sites and people.

`start_django()` points Django at a throwaway database (a temporary SQLite file, or the
PostgreSQL database named in DATABASE_URL, dropped and created again) before settings
are read; `load_people()` migrates it and bulk-loads a district of 40 sites whose people
look like a real roster: about 88% students, 3% inactive, the commonest family names
each about 1% and a long tail of made-up ones, so name prefixes spread as they do in a
real district. Both benchmarks of issue 2 (`people_list.py`, `api_people.py`) use it.
"""

from __future__ import annotations

import atexit
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SITES = 40
FAMILY = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
    "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
    "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green",
    "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
    "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards",
    "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers",
    "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed", "Kelly",
    "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez",
    "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez",
    "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "O'Brien",
    "Zoë-Ann", "Van der Berg", "Smithson", "Smyth",
]  # fmt: skip
GIVEN = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy", "Matthew",
    "Betty", "Anthony", "Sandra", "Mark", "Margaret", "Donald", "Ashley", "Steven",
    "Kimberly", "Andrew", "Emily", "Paul", "Donna", "Joshua", "Michelle", "Kenneth",
    "Carol", "Kevin", "Amanda", "Brian", "Melissa", "George", "Deborah", "Timothy",
    "Stephanie", "Jose", "Rebecca", "Jordan", "Sharon", "Jonah", "Laura", "Joanna",
    "Cynthia", "Liam", "Olivia", "Noah", "Emma", "Mateo", "Sofia", "Aiden", "Mia", "Lucas",
    "Amelia", "Ethan", "Harper", "Jo", "Ava", "Jorge", "Isabella", "Jamal", "Chloe",
    "Priya", "Zoë", "Renée",
]  # fmt: skip
SYLLABLES = [
    "al", "an", "ar", "bel", "ber", "bran", "car", "da", "del", "dun", "el", "fer", "gar",
    "hal", "har", "kel", "lan", "ley", "lin", "mar", "mon", "nor", "or", "pel", "ran",
    "ros", "sel", "son", "stan", "tal", "ter", "ton", "val", "wick", "win", "yor", "zan",
]  # fmt: skip
ROLES = [("student", 88), ("teacher", 7), ("staff", 3), ("administrator", 1), ("aide", 1)]
GRADES = ["KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]
COLUMNS = (
    "source_id, sis_id, username, given_name, middle_name, family_name, email, role, grade, "
    "primary_site_id, active, family_key, given_key, source_hash, created_at, updated_at"
)


def start_django(*, name: str, sqlite_conn_max_age: int = 0) -> None:
    """Point Django at the benchmark database (DATABASE_URL, else a temporary SQLite file
    named `name`), set it up, and say which database the figures are for."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    url = configure(
        os.environ.get("DATABASE_URL"), name=name, sqlite_conn_max_age=sqlite_conn_max_age
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hatrack.settings")
    import django

    django.setup()
    from django.db import connection

    print(f"database: {connection.vendor} ({url.split('@')[-1]})")


def configure(database_url: str | None, *, name: str, sqlite_conn_max_age: int = 0) -> str:
    """Point Django at the benchmark database before settings are read; its URL.

    `name` names the temporary folder and SQLite file; the folder is removed on exit.
    """
    data_dir = Path(tempfile.mkdtemp(prefix=f"hatrack-{name}-"))
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)  # the SQLite file too
    os.environ["HATRACK_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["LOG_LEVEL"] = "WARNING"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
        recreate_postgres(database_url)
        return database_url
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / f'{name}.sqlite3'}"
    if sqlite_conn_max_age:
        os.environ["DATABASE_URL"] += f"?conn_max_age={sqlite_conn_max_age}"
    return os.environ["DATABASE_URL"]


def recreate_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def family_name(rng: random.Random) -> str:
    """Like a real roster: the commonest names each about 1%, and a long tail.

    A quarter of people carry one of the common names above (weighted by rank, so
    Smith is the most frequent at about 1%); the rest get made-up two- or
    three-syllable names.
    """
    if rng.random() < 0.25:
        rank = min(int(rng.expovariate(1 / 25)), len(FAMILY) - 1)
        return FAMILY[rank]
    parts = rng.choices(SYLLABLES, k=rng.choice((2, 2, 3)))
    return "".join(parts).capitalize()


def person_rows(count: int, site_ids: list[int], seed: int) -> Iterator[tuple[Any, ...]]:
    """`count` people as rows of COLUMNS (up to source_hash), the same for the same seed."""
    from hatrack.directory.names import name_key

    rng = random.Random(seed)
    roles = [r for r, weight in ROLES for _ in range(weight)]
    for n in range(count):
        given, family = rng.choice(GIVEN), family_name(rng)
        role = rng.choice(roles)
        handle = f"{given.lower()}.{family.lower().replace(' ', '')}{n}"
        yield (
            f"src-{n}",
            f"{100000 + n}",
            handle[:150],
            given,
            "",
            family,
            f"{handle}@mvusd.org",
            role,
            rng.choice(GRADES) if role == "student" else "",
            rng.choice(site_ids),
            rng.random() > 0.03,
            name_key(family),
            name_key(given),
        )


def load_people(count: int, *, seed: int) -> None:
    """Migrate, create the district and its sites, and bulk-load `count` people."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from hatrack.directory.models import District, Site

    call_command("migrate", verbosity=0)
    District(name="Bench Unified", state="OR", enrollment=count).save()
    Site.objects.bulk_create(
        Site(name=f"School {n:02d}", code=f"S{n:02d}", kind=Site.Kind.ELEMENTARY)
        for n in range(SITES)
    )
    site_ids = list(Site.objects.values_list("id", flat=True))
    started = time.perf_counter()
    rows = person_rows(count, site_ids, seed)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY directory_person ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, "", "now", "now"))
        else:
            # Constant column names; the values are bound as parameters.
            sql = (
                f"INSERT INTO directory_person ({COLUMNS}) VALUES "  # noqa: S608
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == 10000:
                    cursor.executemany(sql, batch)
                    batch = []
            cursor.executemany(sql, batch)
    with connection.cursor() as cursor:
        # What a DBA's autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) does after a
        # big import: planner statistics, and on PostgreSQL the visibility map.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    elapsed = time.perf_counter() - started
    print(f"loaded {count:,} people in {elapsed:.1f} s ({count / elapsed:,.0f} rows/s)")
