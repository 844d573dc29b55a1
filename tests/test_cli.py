"""The `hatrack` command as a district runs it: help, Django passthrough, and the demo.

Each test runs the real command in a subprocess against a temporary data folder
(SQLite), so nothing here touches the developer's own data.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from hatrack.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from hatrack.cli import COMMANDS


def hatrack_env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "HATRACK_DATA_DIR": str(data_dir)}
    for name in ("DATABASE_URL", "HATRACK_ENV", "DEBUG"):
        env.pop(name, None)
    return env


def run_hatrack(*args, env, timeout=90):
    return subprocess.run(
        [sys.executable, "-m", "hatrack.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_hatrack_help_lists_each_hatrack_command_on_one_line(tmp_path):
    done = run_hatrack("--help", env=hatrack_env(tmp_path))

    assert done.returncode == 0
    lines = done.stdout.splitlines()
    for name, _ in COMMANDS:
        assert sum(line.strip().startswith(name + " ") for line in lines) == 1


def test_hatrack_passes_other_commands_to_django(tmp_path):
    done = run_hatrack("check", env=hatrack_env(tmp_path))

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_hatrack_accepts_dashes_for_underscores_in_command_names(tmp_path):
    done = run_hatrack("prune-db-task-results", "--help", env=hatrack_env(tmp_path))

    assert done.returncode == 0, done.stderr
    assert "Prune finished database task results" in done.stdout


def test_hatrack_reports_an_unknown_command_in_words(tmp_path):
    done = run_hatrack("make-coffee", env=hatrack_env(tmp_path))

    assert done.returncode != 0
    assert "Unknown command" in done.stderr


@pytest.mark.slow
def test_hatrack_demo_creates_the_data_folder_loads_the_district_and_prints_every_sign_in(
    tmp_path,
):
    data = tmp_path / "fresh-machine" / "data"

    done = run_hatrack("demo", "--no-serve", env=hatrack_env(data))

    assert done.returncode == 0, done.stderr
    assert (data / "hatrack.sqlite3").exists()
    assert "Loaded the demo district" in done.stdout
    assert "http://127.0.0.1:8000/" in done.stdout
    for account in DEMO_ACCOUNTS:
        assert f"username {account.username} " in done.stdout
    assert f"password {DEMO_PASSWORD}" in done.stdout


@pytest.mark.slow
def test_running_hatrack_demo_again_keeps_the_data_and_fresh_rebuilds_it(tmp_path):
    env = hatrack_env(tmp_path)
    run_hatrack("demo", "--no-serve", env=env)

    again = run_hatrack("demo", "--no-serve", env=env)
    fresh = run_hatrack("demo", "--no-serve", "--fresh", env=env)

    assert "already loaded" in again.stdout
    assert "Loaded the demo district" not in again.stdout
    assert "Erased" in fresh.stdout
    assert "Loaded the demo district" in fresh.stdout


def test_hatrack_demo_refuses_to_run_in_production(tmp_path):
    env = {**hatrack_env(tmp_path), "HATRACK_ENV": "production", "SECRET_KEY": "x" * 50}

    done = run_hatrack("demo", "--no-serve", env=env)

    assert done.returncode != 0
    assert "HATRACK_ENV=production" in done.stderr


def wait_for_health(url, process, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "hatrack demo exited before serving"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  (loopback)
                return response.status, response.read()
        except OSError:
            time.sleep(0.25)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def pid_exists(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and "zombie" not in (
        Path(f"/proc/{pid}/status").read_text().lower()
    )


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_hatrack_demo_serves_the_app_with_a_worker_and_stops_both_on_sigterm(tmp_path):
    port = free_port()
    log = (tmp_path / "demo.log").open("w+")
    demo = subprocess.Popen(
        [sys.executable, "-m", "hatrack.cli", "demo", "--port", str(port)],
        env=hatrack_env(tmp_path / "data"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        status, body = wait_for_health(f"http://127.0.0.1:{port}/healthz", demo, timeout=60)
        assert status == 200
        assert b'"database": "ok"' in body
        output = (tmp_path / "demo.log").read_text()
        worker_pid = int(output.split("background worker pid ")[1].split(".")[0])
        assert pid_exists(worker_pid)

        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=30) == 0
        assert not pid_exists(worker_pid)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait(timeout=10)
        log.close()
