"""Device import benchmark: a 100,000-row Google Admin ChromeOS export, previewed then
imported, then previewed and imported again unchanged.

Command (from the project folder):
    uv run python bench/device_import.py                          # SQLite and PostgreSQL
    uv run python bench/device_import.py --backends sqlite --rows 20000

Data: a generated Google Admin ChromeOS devices export (the console's column layout,
with a BOM) in a temporary folder: 100,000 Chromebooks of 8 models across 40 schools
(org units /Students/<site code>/Grade N, so new devices get their site), asset IDs,
recent users, MAC addresses, last sync and auto-update expiration; about 24 MB. Each
backend runs in a fresh child process on a fresh, migrated database with the 40 sites:
  - SQLite: a temporary file database with the project's PRAGMAs.
  - PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatrack_devimportbench
    (dropped and created again; override with --postgres-url).

Targets (issue 4): preview plus import of the 100,000 rows under 15 s on each backend,
peak memory (ru_maxrss of the importing process) under 400 MB; the re-import changes
nothing. Exits 1 when a target is missed.
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
import uuid
from pathlib import Path

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/hatrack_devimportbench"
HEADER = [
    "Serial Number", "Status", "Last Sync", "Recent User", "Annotated User",
    "Annotated Location", "Asset ID", "Notes", "Org Unit Path", "Model", "OS Version",
    "Platform Version", "Firmware Version", "MAC Address", "Ethernet MAC Address",
    "Enrollment Time", "Auto Update Expiration", "Device Id",
]  # fmt: skip
MODELS = [
    ("HP Chromebook 11 G9 EE", "Jun 2029"), ("HP Chromebook 14 G7", "Jun 2030"),
    ("Lenovo 300e Chromebook Gen 3", "Jun 2031"), ("Lenovo 100e Chromebook Gen 4", "Jun 2033"),
    ("Dell Chromebook 3100", "Jun 2026"), ("Acer Chromebook Spin 512", "Jun 2030"),
    ("ASUS Chromebook CR1100", "Jun 2031"), ("CTL Chromebook NL72", "Jun 2029"),
]  # fmt: skip
SITES = [f"S{n:02d}" for n in range(40)]


def generate(path: Path, rows: int, seed: int = 20261124) -> None:
    """Write the export, streaming (constant memory)."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n in range(rows):
            model, aue = MODELS[n % len(MODELS)]
            site = SITES[n % len(SITES)]
            day = 1 + n % 28
            mac = f"{rng.getrandbits(48):012x}"
            out.writerow([
                f"5CD{n:08d}", "ACTIVE", f"2024-11-{day:02d}T{n % 24:02d}:{n % 60:02d}:05.000Z",
                f"student{n}@students.bench.k12.example", "", "", f"A{n:07d}", "",
                f"/Students/{site}/Grade {3 + n % 10}", model, "130.0.6723.118", "16033.58.0",
                "", mac, "", "2023-08-14T15:02:00.000Z", aue,
                str(uuid.UUID(int=rng.getrandbits(128))),
            ])  # fmt: skip


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


def child(backend: str, data: Path, workdir: Path, postgres_url: str) -> None:
    """Runs in a fresh process: migrate, preview + import twice, print figures as JSON."""
    os.environ["DATABASE_URL"] = _prepare_database(backend, workdir, postgres_url)
    os.environ["HATRACK_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hatrack.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from hatrack.devices.imports.service import import_devices
    from hatrack.devices.models import Device
    from hatrack.directory.models import Site

    call_command("migrate", verbosity=0)
    Site.objects.bulk_create(Site(name=f"School {code}", code=code) for code in SITES)
    rounds = []
    checked = workdir / "chromeos-devices.csv.checked"
    for _ in range(2):
        # As on the import page: a preview keeping its checked rows, then the confirmed
        # import replaying them against the fleet.
        timing: dict = {}
        for dry_run in (True, False):
            started, cpu = time.perf_counter(), time.process_time()
            result = import_devices(
                source=data, format="google", by=None, dry_run=dry_run, create_missing=True,
                keep_rows=checked if dry_run else None, rows_from=None if dry_run else checked,
            )  # fmt: skip
            step = "preview" if dry_run else "import"
            timing[step] = time.perf_counter() - started
            timing[f"{step}_cpu"] = time.process_time() - cpu
            counts = [result.created, result.updated, result.unchanged, result.error_count]
            timing["counts"] = counts
        rounds.append(timing)
    figures = {
        "backend": backend,
        "rounds": rounds,
        "devices": Device.objects.count(),
        "with_site": Device.objects.filter(site__isnull=False).count(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(figures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.data), Path(args.workdir), args.postgres_url)
        return 0
    with tempfile.TemporaryDirectory(prefix="hatrack-devbench-") as tmp:
        data = Path(tmp) / "chromeos-devices.csv"
        started = time.perf_counter()
        generate(data, args.rows)
        size = data.stat().st_size / 1024**2
        print(f"Generated {args.rows:,} devices ({size:.0f} MB) in "
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
            ok = report(json.loads(output.strip().splitlines()[-1]), args.rows) and ok
    return 0 if ok else 1


def report(figures: dict, rows: int) -> bool:
    first, again = figures["rounds"]
    total = first["preview"] + first["import"]
    checks = {
        "preview + import < 15 s": total < 15,
        "peak memory < 400 MB": figures["peak_rss_mb"] < 400,
        "first import creates every row": first["counts"][0] == rows,
        "re-import changes nothing": again["counts"][:2] == [0, 0],
    }
    print(f"\n{figures['backend']}: {figures['devices']:,} devices stored "
          f"({figures['with_site']:,} placed at their site by org unit)")  # fmt: skip
    print(f"  first:  preview {first['preview']:5.1f} s + import {first['import']:5.1f} s "
          f"= {total:5.1f} s   {rows / total:8,.0f} rows/s   {first['counts']}")  # fmt: skip
    again_total = again["preview"] + again["import"]
    print(f"  again:  preview {again['preview']:5.1f} s + import {again['import']:5.1f} s "
          f"= {again_total:5.1f} s   {again['counts']}")  # fmt: skip
    print(f"  CPU time of the importing process: first {first['preview_cpu']:.1f} + "
          f"{first['import_cpu']:.1f} s, again {again['preview_cpu']:.1f} + "
          f"{again['import_cpu']:.1f} s   (counts: created, updated, unchanged, bad)")  # fmt: skip
    print(f"  peak memory {figures['peak_rss_mb']:.0f} MB; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    for name, passed in checks.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {name}")
    return all(checks.values())


if __name__ == "__main__":
    sys.exit(main())
