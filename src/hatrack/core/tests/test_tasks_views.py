"""The background task pages: leaders see every task and worker; nobody else does."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hatrack.core.models import WorkerHeartbeat
from hatrack.core.tests.worker_tasks import add, fail_with

LIST_URL = reverse("tasks:list")


def failed_task(message="users.csv line 4: no sourcedId"):
    result = DBTaskResult.objects.get(id=fail_with.enqueue(message).id)
    try:
        fail_with.call(message)
    except Exception as error:  # the real exception, so the traceback is genuine
        result.set_failed(error)
    return result


def worker(worker_id, *, seconds_ago):
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="tech-server-1",
        pid=4242,
        started_at=now - timedelta(hours=2),
        last_seen=now - timedelta(seconds=seconds_ago),
    )


@pytest.mark.parametrize("persona", ["technician", "staff", "viewer"], indirect=True)
def test_only_technology_leaders_may_see_background_tasks(persona):
    _, client = persona

    assert client.get(LIST_URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in_from_the_task_list(client):
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_task_list_shows_queued_tasks_with_their_status(leader_client):
    add.enqueue(1, 2)

    response = leader_client.get(LIST_URL)

    assert response.status_code == 200
    assert "Queued" in response.text
    assert "Add" in response.text


def test_the_task_list_filters_by_status(leader_client):
    add.enqueue(1, 2)
    failed_task()

    response = leader_client.get(LIST_URL, {"status": "FAILED"})

    rows = response.context["rows"]
    assert [row["status"] for row in rows] == ["FAILED"]


def test_an_empty_task_list_says_what_will_appear_there(leader_client):
    response = leader_client.get(LIST_URL)

    assert "No background task yet" in response.text


def test_a_status_with_no_tasks_offers_to_show_every_task(leader_client):
    add.enqueue(1, 2)

    response = leader_client.get(LIST_URL, {"status": "RUNNING"})

    assert "No task has this status" in response.text


def test_the_task_list_pages_by_fifty(leader_client):
    for n in range(51):
        add.enqueue(n, n)

    first = leader_client.get(LIST_URL)
    second = leader_client.get(LIST_URL, {"after": first.context["page"].next_cursor})

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 1


def test_an_htmx_filter_request_gets_only_the_results(leader_client):
    add.enqueue(1, 2)

    response = leader_client.get(LIST_URL, {"status": "READY"}, headers={"HX-Request": "true"})

    assert "<html" not in response.text
    assert "Queued" in response.text


@pytest.mark.parametrize("tasks", [1, 50])
def test_the_task_list_costs_the_same_queries_for_one_task_or_fifty(
    leader_client, django_assert_num_queries, tasks
):
    for n in range(tasks):
        add.enqueue(n, 1)
    worker("w1", seconds_ago=1)
    leader_client.get(LIST_URL)  # the layout caches the district's name

    # session and user; page of tasks, bounded count, workers
    with django_assert_num_queries(5):
        leader_client.get(LIST_URL)


def test_the_task_list_shows_live_and_silent_workers(leader_client):
    worker("alive-worker", seconds_ago=1)
    worker("silent-worker", seconds_ago=3600)

    response = leader_client.get(LIST_URL)

    states = {w["id"]: w["alive"] for w in response.context["workers"]}
    assert states == {"alive-worker": True, "silent-worker": False}
    assert "Not heard from" in response.text


def test_without_workers_the_list_says_how_to_start_one(leader_client):
    response = leader_client.get(LIST_URL)

    assert "No worker is running" in response.text
    assert "hatrack worker" in response.text


def test_a_failed_tasks_page_shows_its_error_and_traceback(leader_client):
    task = failed_task("users.csv line 4: no sourcedId")

    response = leader_client.get(reverse("tasks:detail", args=[task.id]))

    assert response.status_code == 200
    assert "hatrack.core.tests.worker_tasks.DistrictDataError" in response.text
    assert "users.csv line 4: no sourcedId" in response.text
    assert "Traceback (most recent call last)" in response.text


def test_a_finished_tasks_page_shows_its_result(leader_client):
    task = DBTaskResult.objects.get(id=add.enqueue(20, 22).id)
    task.set_successful(42)

    response = leader_client.get(reverse("tasks:detail", args=[task.id]))

    assert response.context["task"]["status"] == TaskResultStatus.SUCCESSFUL
    assert "42" in response.context["return_value"]


def test_an_unknown_task_is_not_found(leader_client):
    response = leader_client.get(reverse("tasks:detail", args=[uuid.uuid4()]))

    assert response.status_code == 404


def test_a_viewer_cannot_open_a_tasks_page(viewer_client):
    task = failed_task()

    assert viewer_client.get(reverse("tasks:detail", args=[task.id])).status_code == 403
