"""Kill a real `hatrack worker` in the middle of a task: another worker must finish it.

Runs real worker processes against their own database (a SQLite file in a temporary
data folder, or a throwaway PostgreSQL database when DATABASE_URL is set), because the
test database of pytest-django lives inside this process.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

STALE_AFTER = 2


def wait_for(condition, *, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def hatrack(*args, env, **kwargs):
    done = subprocess.run(
        [sys.executable, "-m", "hatrack.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        **kwargs,
    )
    assert done.returncode == 0, done.stderr
    return done


def start_worker(env, log: Path):
    handle = log.open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "hatrack.cli", "worker", "--skip-checks", "--interval", "0.1"],
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def worker_env(tmp_path):
    """Environment for subprocesses pointing at a fresh, migrated database of their own."""
    env = {**os.environ, "HATRACK_DATA_DIR": str(tmp_path / "data")}
    env["HATRACK_WORKER_STALE_AFTER"] = str(STALE_AFTER)
    url = os.environ.get("DATABASE_URL")
    if not url:
        env.pop("DATABASE_URL", None)
        hatrack("migrate", "--skip-checks", "-v0", env=env)
        yield env
        return
    name = f"hatrack_worker_{uuid.uuid4().hex[:10]}"
    admin_url = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = urlsplit(url)._replace(path=f"/{name}").geturl()
    try:
        hatrack("migrate", "--skip-checks", "-v0", env=env)
        yield env
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def task_state(env, task_id):
    code = (
        "from django_tasks_db.models import DBTaskResult as R; "
        f"r = R.objects.get(id='{task_id}'); print(r.status, len(r.worker_ids))"
    )
    out = hatrack("shell", "-v0", "-c", code, env=env).stdout
    status, attempts = out.split()
    return status, int(attempts)


@pytest.mark.slow
@pytest.mark.timeout(90)
def test_a_task_whose_worker_is_killed_is_picked_up_by_another_worker_and_finishes(
    worker_env, tmp_path
):
    work = tmp_path / "work"
    work.mkdir()
    enqueue = (
        "from hatrack.core.tests.worker_tasks import wait_for_release; "
        f"print(wait_for_release.enqueue({str(work)!r}).id)"
    )
    task_id = hatrack("shell", "-v0", "-c", enqueue, env=worker_env).stdout
    first = start_worker(worker_env, tmp_path / "first.log")
    second = None
    try:
        wait_for(lambda: (work / "attempt-1").exists(), timeout=20, what="the first attempt")
        second = start_worker(worker_env, tmp_path / "second.log")
        # While the first worker lives, its heartbeat keeps the task its own.
        wait_for(
            lambda: "Starting worker" in (tmp_path / "second.log").read_text(),
            timeout=20,
            what="the second worker to start",
        )
        time.sleep(STALE_AFTER * 1.5)
        assert not (work / "attempt-2").exists()

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        wait_for(lambda: (work / "attempt-2").exists(), timeout=20, what="the task to restart")
        (work / "release").touch()
        wait_for(lambda: (work / "done").exists(), timeout=20, what="the task to finish")
        assert task_state(worker_env, task_id.strip()) == ("SUCCESSFUL", 2)

        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=10) == 0
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)
