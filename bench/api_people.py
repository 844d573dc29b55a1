"""Benchmark: the API list of people, 50 per page (issue 2, performance target 3).

Target: at least 150 requests/s per core on `GET /api/people` (50 people a page).

    uv run python bench/api_people.py                       # SQLite, temp file, 500,000 people
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatrack_apibench \\
        uv run python bench/api_people.py                   # PostgreSQL (database recreated)
    uv run python bench/api_people.py --people 50000 --requests 200   # a quicker run

It builds its own database (a temporary SQLite file unless DATABASE_URL is set; the
PostgreSQL database named there is dropped and created again), migrates it, bulk-loads
the people (40 sites, about 88% students, 3% inactive), runs ANALYZE, creates a
leader with an API token, then sends sequential requests from one process through
Django's WSGI handler, as gunicorn would call it (`--via client`: the test Client), with
`Authorization: Bearer ...`: every middleware, the token lookup, the permission check,
parameter validation, the page query and JSON writing, and on SQLite the connection
opened for each request. One process
sending one request at a time measures requests/s per core. For each case it prints
the median and 90th percentile time per request, requests/s over the whole timed run,
the CPU time per request of this process and (PostgreSQL on this machine) of its
database backend, requests per CPU-second of both together, the queries per request and
the rows returned. The target is met when both requests/s figures reach 150.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

from synthetic_district import load_people, start_django

TARGET = 150


def load(count: int) -> str:
    """The synthetic district, and an API key of a leader."""
    from hatrack.accounts.models import User
    from hatrack.accounts.tokens import create_api_token

    load_people(count, seed=11)
    leader = User.objects.create(username="bench-leader", role="leader")
    _, key = create_api_token(user=leader, name="benchmark", by=leader)
    return key


def wsgi_getter(key: str):
    """GET through Django's WSGI handler, as gunicorn calls it: the connection handling
    of a real request is included (SQLite reconnects per request, CONN_MAX_AGE=0)."""
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()

    def get(url: str) -> tuple[int, bytes]:
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "HTTP_AUTHORIZATION": f"Bearer {key}",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
        }
        status = []
        body = handler(environ, lambda line, headers: status.append(line))
        try:
            content = b"".join(body)
        finally:
            body.close()
        return int(status[0][:3]), content

    return get


def client_getter(key: str):
    """GET through Django's test Client (it keeps the database connection open)."""
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def get(url: str) -> tuple[int, bytes]:
        response = client.get(url)
        return response.status_code, response.content

    return get


def cases(get) -> list[tuple[str, str]]:
    from hatrack.directory.models import Site

    site = Site.objects.order_by("id").values_list("id", flat=True)[5]
    deep = "/api/people"
    for _ in range(20):  # twenty pages in, by following `next`
        deep = json.loads(get(deep)[1])["next"].removeprefix("http://testserver")
    return [
        ("first page (50)", "/api/people"),
        ("page 21, from its cursor", deep),
        ("filter role=teacher", "/api/people?role=teacher"),
        ("filter site", f"/api/people?site={site}"),
        ("filter grade=05 active=true", "/api/people?grade=05&active=true"),
        ("search q=smi", "/api/people?q=smi"),
        ("search q=smi + role=student", "/api/people?q=smi&role=student"),
        ("first page, limit=200", "/api/people?limit=200"),
    ]


def database_cpu_seconds() -> float:
    """CPU time of the PostgreSQL backend serving this connection, when it runs on this
    machine (read from /proc); 0 for SQLite, whose work is already in this process."""
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


def measure(get, url: str, requests: int) -> dict[str, float]:
    from django.db import connection

    for _ in range(20):
        status, content = get(url)
        if status != 200:
            raise SystemExit(f"{url} answered {status}: {content[:200]!r}")
    times = []
    db_started = database_cpu_seconds()
    run_started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(requests):
        started = time.perf_counter()
        get(url)
        times.append((time.perf_counter() - started) * 1000)
    wall = time.perf_counter() - run_started
    cpu = time.process_time() - cpu_started
    db_cpu = database_cpu_seconds() - db_started
    queries = []
    with connection.execute_wrapper(lambda run, sql, *args: queries.append(sql) or run(sql, *args)):
        _, content = get(url)
    return {
        "median": statistics.median(times),
        "p90": statistics.quantiles(times, n=10)[-1],
        "rps": requests / wall,
        "cpu": cpu / requests * 1000,
        "db_cpu": db_cpu / requests * 1000,
        "per_core": requests / (cpu + db_cpu),
        "queries": len(queries),
        "rows": len(json.loads(content)["items"]),
    }


def run(key: str, requests: int, via: str) -> bool:
    get = wsgi_getter(key) if via == "wsgi" else client_getter(key)
    print(f"requests through the {'WSGI handler' if via == 'wsgi' else 'test client'}")
    print(
        f"\n{'case':30} {'median':>8} {'p90':>8} {'req/s':>6} {'app cpu':>8} {'db cpu':>7} "
        f"{'req/s/core':>10} {'queries':>7} {'rows':>4}"
    )
    results = {}
    for label, url in cases(get):
        r = measure(get, url, requests)
        results[label] = r
        print(
            f"{label:30} {r['median']:6.2f}ms {r['p90']:6.2f}ms {r['rps']:6.0f} "
            f"{r['cpu']:6.2f}ms {r['db_cpu']:5.2f}ms {r['per_core']:10.0f} "
            f"{r['queries']:7d} {r['rows']:4d}"
        )
    first = results["first page (50)"]
    ok = min(first["rps"], first["per_core"]) >= TARGET
    print(
        f"\nfirst page of 50: {first['rps']:.0f} requests/s one at a time in one process, "
        f"{first['per_core']:.0f} per CPU-second: "
        f"{'meets' if ok else 'MISSES'} the {TARGET}/s per core target"
    )
    print("(req/s: timed requests over wall time, one at a time, so it also counts waiting;")
    print(" app cpu / db cpu: CPU time per request of this process and of the PostgreSQL")
    print(" backend; req/s/core: requests per second of CPU spent by both together)")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=500, help="timed requests per case")
    parser.add_argument(
        "--via", choices=("wsgi", "client"), default="wsgi", help="WSGI handler or test Client"
    )
    parser.add_argument(
        "--sqlite-conn-max-age",
        type=int,
        default=0,
        help="keep SQLite connections open this many seconds (Django's default: 0)",
    )
    args = parser.parse_args()
    start_django(name="apibench", sqlite_conn_max_age=args.sqlite_conn_max_age)
    key = load(args.people)
    ok = run(key, args.requests, args.via)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
