"""Probes against real servers on loopback: HTTP, TCP, TLS, DNS, timeouts, and the guard
against reaching internal addresses."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dns.message
import dns.resolver
import dns.rrset
import pytest

from hatrack.systems.checks import guard
from hatrack.systems.checks.probes import ProbeSpec, judge_certificate, parse_statuses, probe


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        server: Any = self.server
        status, body = server.reply
        if server.delay:
            time.sleep(server.delay)
        server.hosts.append(self.headers.get("Host"))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class LoopbackServer:
    """An HTTP server on 127.0.0.1 that a test turns off and on (same port)."""

    def __init__(self, status: int = 200, body: str = "all good", delay: float = 0.0) -> None:
        self.reply = (status, body)
        self.delay = delay
        self.port = 0
        self.httpd: ThreadingHTTPServer | None = None
        self.hosts: list[str | None] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/health"

    def on(self) -> None:
        if self.httpd is not None:
            return
        httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        httpd.daemon_threads = True
        httpd.reply, httpd.delay, httpd.hosts = self.reply, self.delay, self.hosts  # type: ignore[attr-defined]
        self.port = httpd.server_address[1]
        threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
        self.httpd = httpd

    def off(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def answer(self, status: int, body: str = "") -> None:
        self.reply = (status, body)
        if self.httpd is not None:
            self.httpd.reply = self.reply  # type: ignore[attr-defined]


@pytest.fixture
def internal_loopback(settings: Any) -> None:
    settings.HATRACK_CHECKS_INTERNAL_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    running = LoopbackServer()
    running.on()
    yield running
    running.off()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel completes them) and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


def http(url: str, **fields: Any) -> ProbeSpec:
    return ProbeSpec(kind="http", target=url, timeout=fields.pop("timeout", 2.0), **fields)


def test_an_http_check_passes_on_an_accepted_status_and_times_the_response(
    internal_loopback: None, server: LoopbackServer
) -> None:
    result = probe(http(server.url))

    assert result.ok
    assert result.error == ""
    assert result.response_ms is not None


def test_an_http_check_fails_on_a_status_outside_the_accepted_set(
    internal_loopback: None, server: LoopbackServer
) -> None:
    server.answer(503, "maintenance")

    result = probe(http(server.url))

    assert not result.ok
    assert result.error == "status 503, expected 200-399"


def test_a_redirect_is_judged_by_the_accepted_statuses_not_followed(
    internal_loopback: None, server: LoopbackServer
) -> None:
    server.answer(302)

    assert probe(http(server.url)).ok
    assert not probe(http(server.url, expected="200-299")).ok


def test_an_http_check_looks_for_text_that_must_or_must_not_appear(
    internal_loopback: None, server: LoopbackServer
) -> None:
    server.answer(200, "status: degraded")

    assert probe(http(server.url, must_contain="status:")).ok
    assert "does not contain" in probe(http(server.url, must_contain="healthy")).error
    assert "contains" in probe(http(server.url, must_not_contain="degraded")).error


def test_a_refused_connection_fails_the_run(
    internal_loopback: None, server: LoopbackServer
) -> None:
    server.off()

    result = probe(http(server.url))

    assert not result.ok
    assert result.error == "connection refused"


def test_a_server_that_accepts_and_never_answers_fails_within_the_timeout(
    internal_loopback: None, silent_port: int
) -> None:
    started = time.monotonic()

    result = probe(http(f"http://127.0.0.1:{silent_port}/", timeout=0.5, retries=1))

    assert not result.ok
    assert "timed out after 0.5 s" in result.error
    assert time.monotonic() - started < 2.0  # two tries of 0.5 s, with room


def test_a_slow_server_is_cut_off_at_the_timeout(internal_loopback: None) -> None:
    slow = LoopbackServer(delay=3.0)
    slow.on()
    try:
        started = time.monotonic()
        result = probe(http(slow.url, timeout=0.5))
        assert "timed out" in result.error
        assert time.monotonic() - started < 1.5
    finally:
        slow.off()


def test_the_probe_connects_to_the_checked_address_and_keeps_the_name_in_the_host_header(
    internal_loopback: None, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = socket.getaddrinfo
    # The name resolves to loopback once, then to the cloud metadata address (rebinding).
    answers = iter(["127.0.0.1", "169.254.169.254"])

    def rebinding(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        if host != "status.district.example":
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)

    result = probe(http(f"http://status.district.example:{server.port}/"))

    assert result.ok
    assert server.hosts == [f"status.district.example:{server.port}"]


def test_a_name_lookup_that_hangs_fails_the_probe_at_its_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = socket.getaddrinfo
    released = threading.Event()

    def stuck(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        if host != "slow-dns.district.example":
            return real(host, port, *args, **kwargs)
        released.wait(5)
        return real("127.0.0.1", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", stuck)
    started = time.monotonic()
    try:
        result = probe(http("http://slow-dns.district.example/", timeout=0.5))
    finally:
        released.set()

    assert not result.ok
    assert "looking up slow-dns.district.example" in result.error
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/",
        "http://localhost:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/",
        "http://10.1.2.3/",
        "http://0.0.0.0:{port}/",
    ],
)
def test_internal_addresses_are_refused_without_the_administrators_setting(
    url: str, server: LoopbackServer
) -> None:
    result = probe(http(url.format(port=server.port), retries=2))

    assert not result.ok
    assert "HATRACK_CHECKS_INTERNAL_NETWORKS" in result.error
    assert server.hosts == []


def test_only_http_and_https_addresses_are_checked() -> None:
    for url in ("file:///etc/passwd", "gopher://example.org/", "ftp://example.org/"):
        result = probe(http(url))
        assert not result.ok
        assert result.error == "Only http:// and https:// addresses can be checked."


def test_the_guard_allows_only_the_networks_the_administrator_lists(settings: Any) -> None:
    settings.HATRACK_CHECKS_INTERNAL_NETWORKS = ["10.20.0.0/16"]

    assert guard.pinned_address("10.20.3.4", 80) == "10.20.3.4"
    with pytest.raises(guard.TargetRefused):
        guard.pinned_address("10.21.0.1", 80)
    with pytest.raises(guard.TargetRefused):
        guard.pinned_address("::ffff:127.0.0.1", 80)
    assert guard.pinned_address("93.184.215.14", 80) == "93.184.215.14"


def test_a_tcp_check_passes_when_the_port_accepts(
    internal_loopback: None, server: LoopbackServer
) -> None:
    spec = ProbeSpec(kind="tcp", target="127.0.0.1", port=server.port, timeout=1.0)
    assert probe(spec).ok
    server.off()
    assert probe(spec).error == "connection refused"


def test_accepted_statuses_are_parsed_from_codes_and_ranges() -> None:
    assert parse_statuses("200-299, 301") == [(200, 299), (301, 301)]
    assert parse_statuses("") == [(200, 399)]
    with pytest.raises(ValueError, match="not a status code"):
        parse_statuses("700")
    with pytest.raises(ValueError):
        parse_statuses("ok")


def test_a_certificate_warns_within_the_warning_days_and_fails_once_expired() -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)

    assert judge_certificate(now + timedelta(days=60), now=now, warn_days=14) == (True, False, "")
    ok, warning, message = judge_certificate(now + timedelta(days=5), now=now, warn_days=14)
    assert (ok, warning) == (True, True)
    assert "expires in 5 days" in message
    ok, warning, message = judge_certificate(now - timedelta(days=1), now=now, warn_days=14)
    assert (ok, warning) == (False, False)
    assert "expired on 2026-04-30" in message


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "5",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_port(certificate: tuple[Path, Path]) -> Iterator[int]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            try:
                conn.settimeout(2)
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
            except OSError:
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    listener.close()


def test_a_tls_check_fails_when_the_handshake_fails(internal_loopback: None, tls_port: int) -> None:
    result = probe(ProbeSpec(kind="tls", target="127.0.0.1", port=tls_port, timeout=2.0))

    assert not result.ok
    assert result.error.startswith("TLS")


def test_a_tls_check_reads_the_expiry_and_warns_before_it(
    internal_loopback: None, tls_port: int, certificate: tuple[Path, Path]
) -> None:
    trusting = ssl.create_default_context(cafile=str(certificate[0]))
    spec = ProbeSpec(kind="tls", target="127.0.0.1", port=tls_port, timeout=2.0, tls_warn_days=14)

    result = probe(spec, ssl_context=trusting)

    assert result.ok
    assert result.warning
    assert result.tls_expires_at is not None
    assert timedelta(days=4) < result.tls_expires_at - datetime.now(tz=UTC) <= timedelta(days=5)


@pytest.fixture
def dns_server() -> Iterator[int]:
    """A tiny DNS responder: intranet.example. has A 192.0.2.10; other names NXDOMAIN."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(4096)
            except OSError:
                continue
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            question = query.question[0]
            if question.name.to_text() == "intranet.example.":
                response.answer.append(
                    dns.rrset.from_text(question.name, 60, "IN", "A", "192.0.2.10")
                )
            else:
                response.set_rcode(dns.rcode.NXDOMAIN)
            sock.sendto(response.to_wire(), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1]
    stop.set()
    thread.join()
    sock.close()


def resolver_at(port: int) -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = port
    return resolver


def test_a_dns_check_passes_when_the_answer_holds_the_expected_value(dns_server: int) -> None:
    resolver = resolver_at(dns_server)
    spec = ProbeSpec(kind="dns", target="intranet.example", expected="192.0.2.10", timeout=1.0)

    assert probe(spec, resolver=resolver).ok
    wrong = ProbeSpec(kind="dns", target="intranet.example", expected="192.0.2.99", timeout=1.0)
    assert "does not contain 192.0.2.99" in probe(wrong, resolver=resolver).error
    missing = ProbeSpec(kind="dns", target="nowhere.example", timeout=1.0)
    assert "DNS lookup failed" in probe(missing, resolver=resolver).error


def test_a_dns_check_times_out_when_no_server_answers(silent_port: int) -> None:
    quiet = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    quiet.bind(("127.0.0.1", 0))
    try:
        started = time.monotonic()
        spec = ProbeSpec(kind="dns", target="intranet.example", timeout=0.5)
        result = probe(spec, resolver=resolver_at(quiet.getsockname()[1]))
        assert "timed out" in result.error
        assert time.monotonic() - started < 1.5
    finally:
        quiet.close()
