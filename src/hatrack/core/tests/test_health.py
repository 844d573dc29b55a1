"""/healthz for load balancers: public, JSON, 503 when the database does not answer."""

import json
from unittest import mock

from django.db import OperationalError
from django.urls import reverse

from hatrack.core.tests.worker_tasks import add

URL = reverse("healthz")


def test_health_answers_ok_without_signing_in(client, db):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"


def test_health_reports_the_task_backlog(client, db):
    add.enqueue(1, 2)
    add.enqueue(3, 4)

    tasks = client.get(URL).json()["tasks"]

    assert tasks["queued"] == 2
    assert tasks["running"] == 0
    assert tasks["workers_alive"] == 0


def test_health_answers_503_when_the_database_is_unreachable(client, db):
    broken = mock.MagicMock()
    broken.__enter__.return_value.execute.side_effect = OperationalError("connection refused")

    with mock.patch("hatrack.core.views.health.connection.cursor", return_value=broken):
        response = client.get(URL)

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "error", "database": "unreachable"}


def test_health_is_never_cached(client, db):
    response = client.get(URL)

    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
