"""The demo's stand-in service: one small loopback HTTP server that answers for every
system of the demo district, so the worker started by `hatrack demo` runs real checks.

`GET /<key>/health` answers 200 "OK" after a short, realistic delay (each system has its
own typical response time). One system, the digital signage, is deliberately flaky: it
answers 503 for three minutes every hour, so the live demo shows an incident opening
and recovering. `GET /` lists the services. TCP checks connect to the same port.

Run it alone with `python -m hatrack.systems.standin [--port N]`; `hatrack demo` starts
it as a child process and stops it on exit. No Django needed (and none imported).
"""

from __future__ import annotations

import argparse
import ctypes
import logging
import os
import random
import signal
import sys
import threading
import zlib
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType

log = logging.getLogger(__name__)

# The demo reads this too, to point its checks here; not in settings.py because only the
# demo uses it.
PORT_VARIABLE = "HATRACK_DEMO_STANDIN_PORT"
DEFAULT_PORT = 8098
HOST = "127.0.0.1"

# Every system of the demo district (systems.demo.catalog keys) and what it stands for.
SERVICES = {
    "sso": "ClassLink LaunchPad", "ad": "Active Directory", "roster": "ClassLink Roster Server",
    "gws": "Google Workspace", "sis": "PowerSchool SIS", "lms": "Canvas LMS",
    "seesaw": "Seesaw", "state": "State reporting", "assess": "NWEA MAP Growth",
    "library": "Destiny Library Manager", "sped": "Special education case management",
    "health": "Student health records", "transport": "Transfinder", "gps": "Bus GPS tracking",
    "food": "School meals", "erp": "Skyward Finance and HR", "time": "TimeClock Plus",
    "subs": "Frontline Absence Management", "comms": "ParentSquare",
    "website": "District website", "signage": "Digital signage", "voip": "Phone system",
    "paging": "Bells and paging", "doors": "Door access", "cameras": "Security cameras",
    "visitor": "Visitor management", "filter": "Content filter", "firewall": "Firewall",
    "internet": "Internet circuit", "wan": "Wide-area fiber ring", "core": "Core switches",
    "wifi": "Wi-Fi", "dns": "DNS and DHCP", "vmware": "VMware vSphere cluster",
    "san": "SAN storage", "backup": "Backups", "mdm": "Google Admin",
    "intune": "Microsoft Intune", "helpdesk": "Hatrack help desk",
    "print": "Print management", "hvac": "Building automation",
}  # fmt: skip
FLAKY = "signage"
# The flaky service fails from this minute of every hour, for FLAKY_MINUTES minutes.
FLAKY_FROM_MINUTE, FLAKY_MINUTES = 20, 3


def configured_port() -> int:
    return int(os.environ.get(PORT_VARIABLE) or DEFAULT_PORT)


def typical_ms(key: str) -> int:
    """The service's usual response time, 15 to 240 ms, the same for a key every time."""
    return 15 + zlib.crc32(key.encode()) % 226


def is_failing(key: str, now: datetime) -> bool:
    return key == FLAKY and FLAKY_FROM_MINUTE <= now.minute < FLAKY_FROM_MINUTE + FLAKY_MINUTES


class StandInHandler(BaseHTTPRequestHandler):
    server_version = "HatrackStandIn/1"

    def do_GET(self) -> None:
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        if parts == [""]:
            self.reply(200, self.listing())
        elif len(parts) == 2 and parts[1] == "health" and parts[0] in SERVICES:
            self.health(parts[0])
        else:
            self.reply(404, "Not found")

    def do_HEAD(self) -> None:
        self.do_GET()

    def health(self, key: str) -> None:
        # Tests turn the delay off on their own server (StandIn(delay=False)).
        if getattr(self.server, "delay", True):
            jitter = random.uniform(0.7, 1.6)  # noqa: S311  (a delay, not a secret)
            threading.Event().wait(typical_ms(key) * jitter / 1000)
        if is_failing(key, datetime.now(UTC)):
            self.reply(503, "Service Unavailable")
        else:
            self.reply(200, "OK")

    def listing(self) -> str:
        lines = [f"/{key}/health  {name}" for key, name in SERVICES.items()]
        return "Hatrack demo stand-in service\n\n" + "\n".join(lines) + "\n"

    def reply(self, status: int, text: str) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the worker calls every service every minute."""


class StandIn:
    """A stand-in server running in a background thread (tests, or a process of its own)."""

    def __init__(self, *, host: str = HOST, port: int = 0, delay: bool = True) -> None:
        self.server = ThreadingHTTPServer((host, port), StandInHandler)
        self.server.daemon_threads = True
        self.server.delay = delay  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> StandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    """Serve until stopped. A port already taken is a warning, not an error: the demo
    still serves, its checks just fail."""
    parser = argparse.ArgumentParser(description="Hatrack demo stand-in service")
    parser.add_argument("--port", type=int, default=configured_port())
    port = parser.parse_args(argv).port
    logging.basicConfig(format="%(message)s")
    try:
        server = ThreadingHTTPServer((HOST, port), StandInHandler)
    except OSError as error:
        log.warning(
            "The demo stand-in service cannot listen on %s:%s (%s); the demo's health checks "
            "will fail. Set %s to a free port and run `hatrack demo --fresh`.",
            HOST, port, error.strerror, PORT_VARIABLE,
        )  # fmt: skip
        return 0
    server.daemon_threads = True
    _die_with_parent()
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _die_with_parent() -> None:
    """On Linux, stop when `hatrack demo` dies outright, so no orphan keeps the port."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


if __name__ == "__main__":
    sys.exit(main())
