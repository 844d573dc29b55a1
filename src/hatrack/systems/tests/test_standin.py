"""The demo's stand-in service: every demo system answers its health path on loopback,
slowly enough to look real, and the digital signage fails three minutes an hour."""

import datetime as dt
import socket
import urllib.error
import urllib.request

import pytest

from hatrack.systems import standin


@pytest.fixture
def server():
    running = standin.StandIn(port=0, delay=False).start()
    yield running
    running.stop()


def get(server, path):
    url = f"http://127.0.0.1:{server.port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_every_service_answers_ok_on_its_health_path(server, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 5, tzinfo=dt.UTC))

    for key in ("sso", "sis", "lms", "signage"):
        assert get(server, f"/{key}/health") == (200, "OK")


def test_the_signage_fails_for_three_minutes_every_hour():
    at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    failing = [m for m in range(60) if standin.is_failing("signage", at.replace(minute=m))]

    assert failing == [20, 21, 22]
    assert not any(standin.is_failing("sis", at.replace(minute=m)) for m in range(60))


def test_the_flaky_service_answers_503_while_it_fails(server, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 21, tzinfo=dt.UTC))

    assert get(server, "/signage/health")[0] == 503
    assert get(server, "/sis/health") == (200, "OK")


def test_the_root_lists_the_services_and_unknown_paths_are_not_found(server):
    status, body = get(server, "/")

    assert status == 200
    assert "/sso/health" in body
    assert get(server, "/nothing/health")[0] == 404
    assert get(server, "/sso/other")[0] == 404


def test_tcp_checks_can_connect_to_the_stand_in_port(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=2):
        pass


def test_each_service_has_its_own_steady_response_time():
    assert standin.typical_ms("sis") == standin.typical_ms("sis")
    assert all(15 <= standin.typical_ms(key) <= 240 for key in standin.SERVICES)


def test_a_taken_port_is_a_warning_and_the_stand_in_exits_cleanly(server, caplog):
    assert standin.main(["--port", str(server.port)]) == 0
    assert "cannot listen" in caplog.text


def test_the_port_comes_from_the_environment_or_defaults_to_8098(monkeypatch):
    monkeypatch.delenv(standin.PORT_VARIABLE, raising=False)
    assert standin.configured_port() == 8098
    monkeypatch.setenv(standin.PORT_VARIABLE, "9123")
    assert standin.configured_port() == 9123
