"""Webhook alerts: the payload of each chat service, a real POST to a loopback receiver,
a receiver that never answers, and addresses that are not http(s)."""

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from hatrack.accounts.models import User
from hatrack.systems.models import Alert, AlertEvent, DeliveryStatus, Webhook, WebhookFormat
from hatrack.systems.services import alerts
from hatrack.systems.services.alerting_settings import save_webhook
from hatrack.systems.tests.factories import make_incident, make_system
from hatrack.systems.webhooks import DeliveryError, Message, payload_for, post_json

MESSAGE = Message(
    title="[INC-00012] SIS is down",
    text="Systems: SIS",
    link="https://hatrack.example/systems/incidents/12/",
    event="opened",
    reference="INC-00012",
)


def test_slack_gets_text_and_blocks() -> None:
    body = payload_for(WebhookFormat.SLACK, MESSAGE)
    assert body["text"].startswith("[INC-00012] SIS is down")
    assert body["blocks"][0]["text"]["text"] == "*[INC-00012] SIS is down*"


def test_teams_gets_a_message_card_with_a_link() -> None:
    body = payload_for(WebhookFormat.TEAMS, MESSAGE)
    assert body["@type"] == "MessageCard"
    assert body["potentialAction"][0]["targets"][0]["uri"] == MESSAGE.link


def test_google_chat_gets_plain_text() -> None:
    assert payload_for(WebhookFormat.GOOGLE_CHAT, MESSAGE) == {
        "text": "[INC-00012] SIS is down\nSystems: SIS\nhttps://hatrack.example/systems/incidents/12/"
    }


def test_generic_json_names_the_event_and_incident() -> None:
    body = payload_for(WebhookFormat.JSON, MESSAGE)
    assert body["event"] == "opened" and body["incident"] == "INC-00012"
    assert body["url"] == MESSAGE.link


class Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        Receiver.received.append(json.loads(self.rfile.read(length)))
        self.send_response(Receiver.status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    Receiver.received, Receiver.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent() -> Iterator[str]:
    """A port that accepts connections (the kernel does) but never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    listener.close()


def webhook(url: str, format: str = WebhookFormat.JSON) -> Webhook:
    return Webhook.objects.create(name=f"Room {format}", url=url, format=format)


@pytest.mark.django_db
def test_a_test_alert_reaches_a_real_receiver(leader: User, receiver: str) -> None:
    hook = webhook(receiver)
    alert = alerts.send_test_alert(webhook=hook, by=leader)
    assert alerts.deliver_webhook_alert(alert.pk) == DeliveryStatus.SENT
    alert.refresh_from_db()
    assert (alert.status, alert.event, alert.attempts) == (DeliveryStatus.SENT, AlertEvent.TEST, 1)
    assert Receiver.received[0]["event"] == "test"
    assert alerts.deliver_webhook_alert(alert.pk) == DeliveryStatus.SENT
    assert len(Receiver.received) == 1


@pytest.mark.django_db
def test_a_receiver_error_is_recorded_not_raised(leader: User, receiver: str) -> None:
    Receiver.status = 500
    alert = alerts.send_test_alert(webhook=webhook(receiver), by=leader)
    assert alerts.deliver_webhook_alert(alert.pk) == DeliveryStatus.FAILED
    alert.refresh_from_db()
    assert alert.error == "The receiver answered HTTP 500."
    assert alert.pk in alerts.retry_failed_webhook_alerts(
        now=alert.created_at + timedelta(minutes=2)
    )


@pytest.mark.django_db
def test_a_receiver_that_never_answers_fails_within_the_timeout(leader: User, silent: str) -> None:
    alert = alerts.send_test_alert(webhook=webhook(silent), by=leader)
    began = time.monotonic()
    assert alerts.deliver_webhook_alert(alert.pk, timeout=0.5) == DeliveryStatus.FAILED
    assert time.monotonic() - began < 5
    alert.refresh_from_db()
    assert alert.error.startswith("No answer within")


def test_addresses_that_are_not_http_are_refused() -> None:
    for url in ("file:///etc/passwd", "ftp://example.org/x", "gopher://x", "http:///nohost"):
        with pytest.raises(DeliveryError):
            post_json(url, {})


@pytest.mark.django_db
def test_saving_a_webhook_with_another_scheme_changes_nothing(leader: User) -> None:
    with pytest.raises(ValidationError) as caught:
        save_webhook(name="Bad", url="ftp://chat.example/x", format=WebhookFormat.JSON, by=leader)
    assert "url" in caught.value.message_dict
    assert not Webhook.objects.exists()


@pytest.mark.django_db
def test_an_incident_alert_posts_the_incident_to_the_receiver(leader: User, receiver: str) -> None:
    webhook(receiver, WebhookFormat.SLACK)
    incident = make_incident(make_system(name="Gradebook"), title="Gradebook is down")
    alerts.alert_incident_opened(incident)
    alert = Alert.objects.get(webhook__isnull=False)
    assert alerts.deliver_webhook_alert(alert.pk) == DeliveryStatus.SENT
    assert f"[{incident.reference}] Gradebook is down" in Receiver.received[0]["text"]


@pytest.fixture
def dripping() -> Iterator[str]:
    """A receiver that answers one byte at a time, each within any socket timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    stop = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
                if stop.wait(0.05):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    stop.set()
    listener.close()


def test_a_receiver_that_drips_bytes_is_cut_off_at_the_deadline(dripping: str) -> None:
    began = time.monotonic()
    with pytest.raises(DeliveryError, match="No answer within"):
        post_json(dripping, {"x": 1}, timeout=0.6)
    assert time.monotonic() - began < 3
