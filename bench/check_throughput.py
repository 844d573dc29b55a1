"""Benchmark: health checks in one worker process (issue 5, performance target 2).

Target: one worker process runs at least 1,000 HTTP checks per minute against loopback
servers with realistic latency, without drift in the schedule.

    uv run python bench/check_throughput.py                     # SQLite, temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatrack_checkbench \\
        uv run python bench/check_throughput.py                 # PostgreSQL (recreated)
    uv run python bench/check_throughput.py --checks 300 --seconds 30   # a quicker run

It starts `--servers` HTTP servers on 127.0.0.1 in a separate process (so their work is
not counted against the worker), each answering after a random 50 to 150 ms (seeded),
creates `--checks` HTTP checks (interval 60 s, `--fail` of them pointed at a closed port
so some runs fail and go down) spread evenly over the minute, then runs the real check
loop (`systems.checks.loop.CheckLoop`, the thread `hatrack worker` starts) for
`--seconds` in this process, and reports:

- checks run per minute (results recorded per minute of the run);
- lateness of each run: the time its probe was started (claimed) after its slot, and
  when its result was in (claim + response time): median, 95th percentile, maximum;
- drift: every check's `next_run_at` must still lie exactly on its grid
  (first slot + k x 60 s), and no slot may have run twice or been skipped;
- CPU seconds the worker process used.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from typing import Any

from synthetic_district import start_django


def serve(count: int, ports: Any, seed: int) -> None:
    """Run `count` threaded HTTP servers that answer after 50-150 ms (child process)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    rng = random.Random(seed)
    lock = threading.Lock()

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                delay = rng.uniform(0.05, 0.15)
            time.sleep(delay)
            body = b"ok: all systems normal"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    servers = []
    for _ in range(count):
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
        httpd.daemon_threads = True
        httpd.request_queue_size = 128
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        ports.put(httpd.server_address[1])
    threading.Event().wait()


def create_checks(total: int, failing: int, ports: list[int], first: Any) -> None:
    from hatrack.systems.models import Check, CheckKind, Hosting, Kind, System

    systems = System.objects.bulk_create(
        System(name=f"Bench system {n}", kind=Kind.OTHER, hosting=Hosting.SAAS)
        for n in range(max(1, total // 25))
    )
    checks = []
    for n in range(total):
        port = ports[n % len(ports)]
        target = f"http://127.0.0.1:{port}/health?check={n}"
        if n < failing:
            target = "http://127.0.0.1:9/health"  # the discard port: refused
        checks.append(
            Check(
                system=systems[n % len(systems)],
                name=f"Bench check {n}",
                kind=CheckKind.HTTP,
                target=target,
                must_contain="all systems normal",
                interval_seconds=60,
                timeout_seconds=5.0,
                retries=0,
                failures_to_confirm=2,
                next_run_at=first + timedelta(seconds=60 * n / total),
            )
        )
    Check.objects.bulk_create(checks, batch_size=500)


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered):.0f} ms, p95 {p95:.0f} ms, max {ordered[-1]:.0f} ms"


def lateness_and_drift(first: Any, total: int) -> tuple[list[float], list[float], int, int]:
    from hatrack.systems.models import Check, CheckResult

    starts = {}
    for pk, name in Check.objects.values_list("pk", "name"):
        n = int(name.rsplit(" ", 1)[1])
        starts[pk] = first + timedelta(seconds=60 * n / total)
    claimed, finished, slots_seen = [], [], {}
    for check_id, at, ms in CheckResult.objects.values_list(
        "check_ref_id", "checked_at", "response_ms"
    ):
        k, late = divmod((at - starts[check_id]).total_seconds(), 60)
        claimed.append(late * 1000)
        finished.append(late * 1000 + (ms or 0))
        slots_seen.setdefault(check_id, []).append(int(k))
    repeated_or_skipped = sum(
        1 for ks in slots_seen.values() if sorted(ks) != list(range(min(ks), max(ks) + 1))
    )
    off_grid = 0
    for pk, next_run in Check.objects.values_list("pk", "next_run_at"):
        offset = (next_run - starts[pk]).total_seconds()
        if abs(offset - round(offset / 60) * 60) > 1e-6:
            off_grid += 1
    return claimed, finished, off_grid, repeated_or_skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checks", type=int, default=1_500)
    parser.add_argument("--fail", type=int, default=15, help="checks pointed at a closed port")
    parser.add_argument("--servers", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=150)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    os.environ["HATRACK_CHECKS_INTERNAL_NETWORKS"] = "127.0.0.1/32"
    os.environ["HATRACK_CHECKS_CONCURRENCY"] = str(args.concurrency)
    ports_queue: Any = multiprocessing.Queue()
    servers = multiprocessing.Process(
        target=serve, args=(args.servers, ports_queue, 7), daemon=True
    )
    servers.start()
    ports = [ports_queue.get(timeout=10) for _ in range(args.servers)]

    start_django(name="checks")
    from django.core.management import call_command
    from django.utils import timezone

    from hatrack.systems.checks.loop import CheckLoop

    call_command("migrate", verbosity=0)
    first = timezone.now() + timedelta(seconds=2)
    create_checks(args.checks, args.fail, ports, first)
    print(
        f"{args.checks:,} HTTP checks every 60 s ({args.fail} failing), {args.servers} servers "
        f"answering in 50-150 ms, concurrency {args.concurrency}, running {args.seconds:.0f} s"
    )
    loop = CheckLoop(concurrency=args.concurrency)
    cpu_before = time.process_time()
    loop.start()
    time.sleep(max(0.0, (first - timezone.now()).total_seconds()) + args.seconds)
    loop.stop()
    cpu = time.process_time() - cpu_before
    servers.terminate()

    claimed, finished, off_grid, broken = lateness_and_drift(first, args.checks)
    rate = len(claimed) / args.seconds * 60
    print(f"runs: {len(claimed):,} in {args.seconds:.0f} s = {rate:,.0f} checks per minute")
    print(f"loop totals: {loop.totals}")
    print(f"started after slot: {percentiles(claimed)}")
    print(f"result in after slot: {percentiles(finished)}")
    print(f"checks off their grid: {off_grid}; checks with a slot run twice or skipped: {broken}")
    print(f"worker process CPU: {cpu:.1f} s ({cpu / args.seconds * 100:.0f}% of one core)")
    ok = rate >= 1000 * min(1.0, args.checks / 1000) and off_grid == 0 and broken == 0
    print("target met" if ok else "TARGET MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
