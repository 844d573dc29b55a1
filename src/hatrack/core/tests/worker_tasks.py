"""Tasks that the worker tests enqueue. Module level, so a worker subprocess can import them."""

from pathlib import Path

from django_tasks import task


class DistrictDataError(Exception):
    """Stands in for any error a real task could raise."""


@task()
def fail_with(message: str) -> None:
    raise DistrictDataError(message)


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def wait_for_release(folder: str) -> int:
    """Mark each attempt with a file, wait for a `release` file, then mark `done`.

    Lets a test see that the task started, kill its worker mid-task, and let a later
    attempt finish. Gives up after 30 seconds so a broken test cannot hang a worker.
    """
    import time

    here = Path(folder)
    attempt = len(list(here.glob("attempt-*"))) + 1
    (here / f"attempt-{attempt}").touch()
    deadline = time.monotonic() + 30
    while not (here / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the test never released the task")
        time.sleep(0.05)
    (here / "done").write_text(str(attempt))
    return attempt
