"""OneRoster import benchmark: a 500,000-user export, imported, then re-imported unchanged.

Command (from the project folder):
    uv run python bench/oneroster_import.py                       # SQLite and PostgreSQL
    uv run python bench/oneroster_import.py --backends sqlite --users 100000

Data: a generated OneRoster 1.1 CSV set in a temporary folder: manifest.csv, orgs.csv
(1 district, 60 schools, 8 departments) and users.csv with 500,000 rows (about 93%
students, 5% teachers, 1% administrators/aides/staff, 1% guardians, who are skipped),
about 80 MB. Each backend runs in a fresh child process on a fresh database:
  - SQLite: a temporary file database with the project's PRAGMAs (WAL, synchronous=NORMAL).
  - PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatrack_rorbench
    (dropped and created again; override with --postgres-url).

Targets (issue 2): at least 10,000 rows/s on both backends (aim for 20,000 on PostgreSQL),
peak memory (ru_maxrss of the importing process) under 500 MB, and the re-import of the
unchanged file at least twice as fast as the first import. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/hatrack_rorbench"
GIVEN = [
    "Ava", "Liam", "Olivia", "Noah", "Emma", "Mateo", "Sofia", "Ethan", "Mia", "James",
    "Isabella", "Lucas", "Amelia", "Elijah", "Zoë", "Harper", "Benjamin", "Evelyn", "Henry",
    "Aaliyah", "Jayden", "Camila", "Omar", "Priya", "Wei", "Mei", "Diego", "Fatima", "Kai",
]  # fmt: skip
FAMILY = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Nguyen", "Kim", "Patel", "O'Brien", "Müller",
]  # fmt: skip
GRADES = ["KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]
USER_HEADER = [
    "sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
    "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email",
    "sms", "phone", "agentSourcedIds", "grades", "password",
]  # fmt: skip


def generate(folder: Path, users: int, seed: int = 20261123) -> None:
    """Write a realistic OneRoster 1.1 set, streaming (constant memory)."""
    rng = random.Random(seed)
    stamp = "2025-08-15T12:00:00.000Z"
    (folder / "manifest.csv").write_text(
        "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n"
        "file.orgs,bulk\nfile.users,bulk\nfile.classes,absent\nfile.enrollments,absent\n"
    )
    schools = [f"sch-{n:03d}" for n in range(60)]
    kinds = ["Elementary School", "Middle School", "High School"]
    with (folder / "orgs.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["sourcedId", "status", "dateLastModified", "name", "type", "identifier",
                      "parentSourcedId"])  # fmt: skip
        out.writerow(["dist-1", "active", stamp, "Bench Unified School District", "district",
                      "0612345", ""])  # fmt: skip
        for n, school in enumerate(schools):
            name = f"{FAMILY[n % len(FAMILY)]} {kinds[n % 3]} {n}"
            out.writerow([school, "active", stamp, name, "school", f"S{n:03d}", "dist-1"])
        for n in range(8):
            out.writerow([f"dep-{n}", "active", stamp, f"Department {n}", "department",
                          f"DEP{n}", "dist-1"])  # fmt: skip
    with (folder / "users.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(USER_HEADER)
        for n in range(users):
            out.writerow(_user(rng, n, schools, stamp))


def _user(rng: random.Random, n: int, schools: list[str], stamp: str) -> list[str]:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    roll = rng.random()
    role, grade, orgs = "student", rng.choice(GRADES), rng.choice(schools)
    if roll > 0.99:
        role, grade = "guardian", ""
    elif roll > 0.98:
        role, grade = rng.choice(["administrator", "aide", "staff"]), ""
        orgs = f"{orgs},dep-{n % 8}"
    elif roll > 0.93:
        role, grade = "teacher", ""
    username = f"{given[0]}{family}{n}".lower().replace("'", "")
    return [
        f"u-{n:07d}", "active", stamp, "true", orgs, role, username, f"{{SIS:{n}}}", given,
        family, rng.choice(GIVEN) if rng.random() < 0.3 else "", f"{100000 + n}",
        f"{username}@bench.k12.example", "", "", "", grade, "",
    ]  # fmt: skip


def _prepare_database(backend: str, workdir: Path, postgres_url: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    import psycopg

    name = postgres_url.rsplit("/", 1)[1]
    admin = postgres_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return postgres_url


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _server_cpu_seconds() -> float:
    """CPU time of the PostgreSQL backend serving this process (0 when not on this machine)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child(backend: str, data: Path, workdir: Path, postgres_url: str) -> None:
    """Runs in a fresh process: migrate, import twice, print the figures as JSON."""
    os.environ["DATABASE_URL"] = _prepare_database(backend, workdir, postgres_url)
    os.environ["HATRACK_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hatrack.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from hatrack.directory.imports.service import import_oneroster
    from hatrack.directory.models import Person

    call_command("migrate", verbosity=0)
    timings, cpu, server_cpu, results = [], [], [], []
    for _ in range(2):
        started, used, served = time.perf_counter(), _cpu_seconds(), _server_cpu_seconds()
        result = import_oneroster(source=data, skip_bad_rows=False, by=None)
        timings.append(time.perf_counter() - started)
        cpu.append(_cpu_seconds() - used)
        server_cpu.append(_server_cpu_seconds() - served)
        results.append(result.counts["people"].as_dict())
    figures = {
        "backend": backend,
        "first_seconds": timings[0],
        "reimport_seconds": timings[1],
        "first_cpu_seconds": cpu[0],
        "reimport_cpu_seconds": cpu[1],
        "first_server_cpu_seconds": server_cpu[0],
        "reimport_server_cpu_seconds": server_cpu[1],
        "first_counts": results[0],
        "reimport_counts": results[1],
        "people": Person.objects.count(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(figures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.data), Path(args.workdir), args.postgres_url)
        return 0
    with tempfile.TemporaryDirectory(prefix="hatrack-rorbench-") as tmp:
        data = Path(tmp) / "export"
        data.mkdir()
        started = time.perf_counter()
        generate(data, args.users)
        size = (data / "users.csv").stat().st_size / 1024**2
        print(f"Generated {args.users:,} users ({size:.0f} MB) in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        ok = True
        for backend in args.backends.split(","):
            workdir = Path(tmp) / backend
            workdir.mkdir()
            output = subprocess.run(
                [sys.executable, __file__, "--child", backend, "--data", str(data),
                 "--workdir", str(workdir), "--postgres-url", args.postgres_url],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            ok = report(json.loads(output.strip().splitlines()[-1]), args.users) and ok
    return 0 if ok else 1


def report(figures: dict, rows: int) -> bool:
    first, again = figures["first_seconds"], figures["reimport_seconds"]
    rate = rows / first
    checks = {
        "rows/s >= 10,000": rate >= 10_000,
        "peak memory < 500 MB": figures["peak_rss_mb"] < 500,
        "re-import >= 2x faster": first / again >= 2,
        "re-import changes nothing": figures["reimport_counts"]["created"]
        + figures["reimport_counts"]["updated"]
        + figures["reimport_counts"]["deactivated"]
        == 0,
    }
    print(f"\n{figures['backend']}: {figures['people']:,} people stored")
    print(f"  first import   {first:6.1f} s   {rate:9,.0f} rows/s   {figures['first_counts']}")
    print(f"  re-import      {again:6.1f} s   {rows / again:9,.0f} rows/s   "
          f"{figures['reimport_counts']}")  # fmt: skip
    print(f"  CPU time of the importing process: first {figures['first_cpu_seconds']:.1f} s, "
          f"re-import {figures['reimport_cpu_seconds']:.1f} s")  # fmt: skip
    if figures["first_server_cpu_seconds"]:
        print(f"  CPU time of its PostgreSQL backend: first "
              f"{figures['first_server_cpu_seconds']:.1f} s, re-import "
              f"{figures['reimport_server_cpu_seconds']:.1f} s")  # fmt: skip
    busy = figures["first_cpu_seconds"] + figures["first_server_cpu_seconds"]
    busy_again = figures["reimport_cpu_seconds"] + figures["reimport_server_cpu_seconds"]
    print(f"  rows per CPU-second (importer + its database backend): first "
          f"{rows / busy:,.0f}, re-import {rows / busy_again:,.0f}")  # fmt: skip
    print(f"  speed-up {first / again:.1f}x   peak memory {figures['peak_rss_mb']:.0f} MB")
    print(f"  load average while it ran: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for name, passed in checks.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {name}")
    return all(checks.values())


if __name__ == "__main__":
    sys.exit(main())
