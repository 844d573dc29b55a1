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
from hatrack.core.management.commands.serve import default_workers, gunicorn_argv


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


def test_every_hatrack_command_in_the_help_is_a_command_django_knows(tmp_path):
    done = run_hatrack("help", "--commands", env=hatrack_env(tmp_path))

    known = set(done.stdout.split())
    assert {name.replace("-", "_") for name, _ in COMMANDS} <= known


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


def test_serve_runs_as_many_workers_as_web_concurrency_asks(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "7")

    assert default_workers() == 7


def test_serve_runs_two_workers_per_core_plus_one_by_default(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    assert default_workers() == 5


def test_serve_runs_gunicorn_on_the_hatrack_wsgi_app_with_the_given_bind_and_workers():
    argv = gunicorn_argv(bind="0.0.0.0:9000", workers=3)

    assert "hatrack.wsgi:application" in argv
    assert "--bind=0.0.0.0:9000" in argv
    assert "--workers=3" in argv


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_hatrack_serve_in_production_collects_static_files_and_answers_health_checks(tmp_path):
    data = tmp_path / "data"
    data.mkdir()  # a production data folder is provisioned (a mounted volume), not generated
    env = {
        **hatrack_env(data),
        "HATRACK_ENV": "production",
        "SECRET_KEY": "test-only-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    assert run_hatrack("migrate", "-v0", env=env).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "hatrack.cli", "serve", f"--bind=127.0.0.1:{port}", "--workers=1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        status, _ = wait_for_health(f"http://127.0.0.1:{port}/healthz", server, timeout=60)

        assert status == 200
        assert (data / "static" / "staticfiles.json").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_demos_children_are_stopped_by_the_kernel_if_the_demo_is_killed_outright(tmp_path):
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, time\n"
            "from hatrack.core.management.commands.demo import die_with_parent\n"
            "child = subprocess.Popen(['sleep', '60'], preexec_fn=die_with_parent)\n"
            "print(child.pid, flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    child_pid = int(parent.stdout.readline())

    parent.kill()
    parent.wait(timeout=10)

    deadline = time.monotonic() + 10
    while pid_exists(child_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_exists(child_pid)
