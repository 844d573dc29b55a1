"""Probes: one network test each, no database. Every probe has a hard deadline
(`timeout` seconds for the whole run, connect and read included): a watchdog closes the
socket when it passes, so a server that accepts and never answers, or drips one byte a
second, cannot hold a probe longer than its timeout.

`probe(spec)` tries `1 + retries` times at once and returns the first success or the last
failure. A `ProbeSpec` is a plain copy of a check's settings, so probes run in threads
without touching the ORM.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import dns.exception
import dns.resolver

from hatrack.systems.checks import guard

BODY_LIMIT = 1024 * 1024
DEFAULT_STATUSES = "200-399"
ERROR_LENGTH = 200


@dataclass(frozen=True)
class ProbeSpec:
    kind: str
    target: str
    port: int | None = None
    expected: str = ""
    must_contain: str = ""
    must_not_contain: str = ""
    dns_record_type: str = "A"
    tls_warn_days: int = 14
    timeout: float = 10.0
    retries: int = 0

    @classmethod
    def of(cls, check: Any) -> ProbeSpec:
        return cls(
            kind=check.kind,
            target=check.target,
            port=check.port,
            expected=check.expected,
            must_contain=check.must_contain,
            must_not_contain=check.must_not_contain,
            dns_record_type=check.dns_record_type,
            tls_warn_days=check.tls_warn_days,
            timeout=check.timeout_seconds,
            retries=check.retries,
        )


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    response_ms: int | None = None
    error: str = ""
    # A TLS certificate close to expiry: the run succeeded, the system is degraded.
    warning: bool = False
    tls_expires_at: datetime | None = None


class ProbeFailed(Exception):
    """A failed run with a message for people ("status 503", "timed out after 2 s")."""


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise ProbeFailed(f"timed out after {self.seconds:g} s")
        return left


class Watchdog:
    """Shuts the socket down when the deadline passes, ending any blocked read."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self.sock = sock
        self.fired = False
        self.timer = threading.Timer(max(0.0, deadline.ends - time.monotonic()), self._fire)
        self.timer.daemon = True
        self.timer.start()

    def _fire(self) -> None:
        self.fired = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self.timer.cancel()


def parse_statuses(expected: str) -> list[tuple[int, int]]:
    """ "200-299,301" -> [(200, 299), (301, 301)]; ValueError on anything else."""
    ranges = []
    for part in (expected or DEFAULT_STATUSES).split(","):
        low, _, high = part.strip().partition("-")
        first, last = int(low), int(high or low)
        if not 100 <= first <= last <= 599:
            raise ValueError(f"{part.strip()} is not a status code or range from 100 to 599")
        ranges.append((first, last))
    return ranges


def status_accepted(status: int, expected: str) -> bool:
    return any(low <= status <= high for low, high in parse_statuses(expected))


def judge_certificate(
    not_after: datetime, *, now: datetime, warn_days: int
) -> tuple[bool, bool, str]:
    """(ok, warning, message) for a certificate that expires at `not_after`."""
    if not_after <= now:
        return False, False, f"certificate expired on {not_after:%Y-%m-%d}"
    if not_after - now <= timedelta(days=warn_days):
        days = (not_after - now).days
        return True, True, f"certificate expires in {days} days, on {not_after:%Y-%m-%d}"
    return True, False, ""


def _connect(host: str, port: int, deadline: Deadline) -> socket.socket:
    try:
        address = guard.pinned_address(host, port, timeout=deadline.remaining())
    except TimeoutError as error:
        raise ProbeFailed(f"timed out after {deadline.seconds:g} s looking up {host}") from error
    try:
        return socket.create_connection((address, port), timeout=deadline.remaining())
    except TimeoutError as error:
        raise ProbeFailed(f"timed out after {deadline.seconds:g} s connecting") from error


def _tls_wrap(
    sock: socket.socket, host: str, deadline: Deadline, context: ssl.SSLContext | None
) -> ssl.SSLSocket:
    sock.settimeout(deadline.remaining())
    try:
        return (context or ssl.create_default_context()).wrap_socket(sock, server_hostname=host)
    except ssl.SSLError as error:
        sock.close()
        raise ProbeFailed(f"TLS handshake failed: {error.reason or error}") from error


def probe_http(spec: ProbeSpec, *, ssl_context: ssl.SSLContext | None = None) -> ProbeResult:
    scheme, host, port, path = guard.split_url(spec.target)
    deadline = Deadline(spec.timeout)
    started = time.monotonic()
    sock: socket.socket = _connect(host, port, deadline)
    watchdog = Watchdog(sock, deadline)
    try:
        if scheme == "https":
            sock = _tls_wrap(sock, host, deadline, ssl_context)
            watchdog.sock = sock
        conn = http.client.HTTPConnection(host, port, timeout=deadline.remaining())
        conn.sock = sock  # connected to the pinned address; Host stays the name
        conn.request("GET", path, headers={"User-Agent": "Hatrack health check"})
        sock.settimeout(deadline.remaining())
        response = conn.getresponse()
        body = _read_body(response, sock, deadline) if _reads_body(spec) else b""
        elapsed = round((time.monotonic() - started) * 1000)
        conn.close()
    except (OSError, http.client.HTTPException) as error:
        if watchdog.fired:
            raise ProbeFailed(f"timed out after {spec.timeout:g} s") from error
        raise
    finally:
        watchdog.cancel()
        sock.close()
    _judge_http(spec, response.status, body)
    return ProbeResult(ok=True, response_ms=elapsed)


def _reads_body(spec: ProbeSpec) -> bool:
    return bool(spec.must_contain or spec.must_not_contain)


def _read_body(
    response: http.client.HTTPResponse, sock: socket.socket, deadline: Deadline
) -> bytes:
    chunks, size = [], 0
    while size < BODY_LIMIT:
        sock.settimeout(deadline.remaining())
        chunk = response.read1(min(65536, BODY_LIMIT - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _judge_http(spec: ProbeSpec, status: int, body: bytes) -> None:
    if not status_accepted(status, spec.expected):
        raise ProbeFailed(f"status {status}, expected {spec.expected or DEFAULT_STATUSES}")
    text = body.decode("utf-8", errors="replace")
    if spec.must_contain and spec.must_contain not in text:
        raise ProbeFailed(f"the page does not contain “{spec.must_contain}”")
    if spec.must_not_contain and spec.must_not_contain in text:
        raise ProbeFailed(f"the page contains “{spec.must_not_contain}”")


def probe_tcp(spec: ProbeSpec) -> ProbeResult:
    if not spec.port:
        raise ProbeFailed("a TCP check needs a port")
    deadline = Deadline(spec.timeout)
    started = time.monotonic()
    sock = _connect(spec.target.strip(), spec.port, deadline)
    sock.close()
    return ProbeResult(ok=True, response_ms=round((time.monotonic() - started) * 1000))


def probe_tls(
    spec: ProbeSpec, *, ssl_context: ssl.SSLContext | None = None, now: datetime | None = None
) -> ProbeResult:
    host = spec.target.strip()
    deadline = Deadline(spec.timeout)
    started = time.monotonic()
    sock = _connect(host, spec.port or 443, deadline)
    watchdog = Watchdog(sock, deadline)
    try:
        tls = _tls_wrap(sock, host, deadline, ssl_context)
        cert = tls.getpeercert() or {}
        tls.close()
    except OSError as error:
        raise ProbeFailed(
            f"timed out after {spec.timeout:g} s" if watchdog.fired else f"TLS failed: {error}"
        ) from error
    finally:
        watchdog.cancel()
        sock.close()
    elapsed = round((time.monotonic() - started) * 1000)
    if "notAfter" not in cert:
        raise ProbeFailed("the server sent no certificate expiry date")
    not_after = datetime.fromtimestamp(ssl.cert_time_to_seconds(str(cert["notAfter"])), tz=UTC)
    ok, warning, message = judge_certificate(
        not_after, now=now or datetime.now(tz=UTC), warn_days=spec.tls_warn_days
    )
    return ProbeResult(
        ok=ok, response_ms=elapsed, error=message, warning=warning, tls_expires_at=not_after
    )


def probe_dns(spec: ProbeSpec, *, resolver: dns.resolver.Resolver | None = None) -> ProbeResult:
    started = time.monotonic()
    resolver = resolver or dns.resolver.Resolver()
    try:
        answer = resolver.resolve(spec.target.strip(), spec.dns_record_type, lifetime=spec.timeout)
    except dns.exception.Timeout as error:
        raise ProbeFailed(f"timed out after {spec.timeout:g} s") from error
    except dns.exception.DNSException as error:
        raise ProbeFailed(f"DNS lookup failed: {error}") from error
    elapsed = round((time.monotonic() - started) * 1000)
    values = [rdata.to_text() for rdata in answer]
    wanted = spec.expected.strip().lower()
    if wanted and not any(wanted in value.lower() for value in values):
        raise ProbeFailed(f"the answer ({', '.join(values)[:100]}) does not contain {wanted}")
    return ProbeResult(ok=True, response_ms=elapsed)


def probe_once(spec: ProbeSpec, **options: Any) -> ProbeResult:
    try:
        if spec.kind == "http":
            return probe_http(spec, ssl_context=options.get("ssl_context"))
        if spec.kind == "tcp":
            return probe_tcp(spec)
        if spec.kind == "tls":
            return probe_tls(spec, ssl_context=options.get("ssl_context"), now=options.get("now"))
        if spec.kind == "dns":
            return probe_dns(spec, resolver=options.get("resolver"))
        return ProbeResult(ok=False, error=f"unknown kind of check {spec.kind}")
    except guard.TargetRefused as error:
        return ProbeResult(ok=False, error=str(error)[:ERROR_LENGTH])
    except ProbeFailed as error:
        return ProbeResult(ok=False, error=str(error)[:ERROR_LENGTH])
    except TimeoutError:
        return ProbeResult(ok=False, error=f"timed out after {spec.timeout:g} s")
    except (OSError, http.client.HTTPException, ValueError, UnicodeError) as error:
        return ProbeResult(ok=False, error=_describe(error)[:ERROR_LENGTH])


def _describe(error: Exception) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return f"the name does not resolve ({error.strerror})"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def probe(spec: ProbeSpec, **options: Any) -> ProbeResult:
    """Run the probe, trying again at once up to `spec.retries` times; never raises."""
    result = probe_once(spec, **options)
    for _ in range(spec.retries):
        if result.ok or guard.SETTING in result.error:
            break  # a refused target stays refused
        result = probe_once(spec, **options)
    return result
