"""Chat webhooks: the message each chat service expects, and the POST that delivers it.

`payload_for` shapes one alert for Slack, Microsoft Teams, Google Chat or generic JSON.
`post_json` sends it with a hard deadline over the whole exchange (connect, send, read),
refuses any scheme but http and https, and never follows redirects. It raises
`DeliveryError` with a short reason; callers record it on the Alert row.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from hatrack.systems.models import WebhookFormat

# The longest a webhook delivery may take, whatever the receiver does.
DEFAULT_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 64 * 1024


class DeliveryError(Exception):
    """A webhook delivery that failed; the message says why in a few words."""


@dataclass(frozen=True)
class Message:
    """What an alert says, before it is shaped for a chat service."""

    title: str
    text: str
    link: str
    event: str
    reference: str


def payload_for(format: str, message: Message) -> dict[str, Any]:
    """The JSON body the chat service of `format` expects."""
    summary = f"{message.title}\n{message.text}\n{message.link}".strip()
    if format == WebhookFormat.SLACK:
        return {
            "text": summary,
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": f"*{message.title}*"}},
                {"type": "section", "text": {"type": "mrkdwn", "text": message.text or " "}},
                {
                    "type": "context",
                    "elements": [{"type": "mrkdwn", "text": f"<{message.link}|Open in Hatrack>"}],
                },
            ],
        }
    if format == WebhookFormat.TEAMS:
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": message.title,
            "title": message.title,
            "text": message.text,
            "potentialAction": [
                {
                    "@type": "OpenUri",
                    "name": "Open in Hatrack",
                    "targets": [{"os": "default", "uri": message.link}],
                }
            ],
        }
    if format == WebhookFormat.GOOGLE_CHAT:
        return {"text": summary}
    return {
        "event": message.event,
        "incident": message.reference,
        "title": message.title,
        "text": message.text,
        "url": message.link,
    }


def check_url(url: str) -> None:
    """Raise DeliveryError unless the URL is http(s) with a host."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise DeliveryError("The webhook address must start with http:// or https://.")


def post_json(url: str, payload: dict[str, Any], *, timeout: float = DEFAULT_TIMEOUT) -> int:
    """POST `payload` as JSON; returns the HTTP status (2xx) or raises DeliveryError.

    The deadline covers the whole exchange: each step gets only the time that is left,
    and a watchdog shuts the socket when it passes, so a receiver that answers byte by
    byte cannot hold the worker longer than `timeout` (at most 10 seconds).
    """
    check_url(url)
    parts = urlsplit(url)
    deadline = time.monotonic() + min(timeout, DEFAULT_TIMEOUT)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname or "", parts.port, timeout=_left(deadline))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "Hatrack-alerts"}
    # A watchdog shuts the socket at the deadline, so even a receiver that drips bytes
    # slowly enough to satisfy every socket timeout cannot hold the worker longer.
    watchdog = threading.Timer(_left(deadline), _abort, args=[connection])
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("POST", path, body=body, headers=headers)
        if connection.sock is not None:
            connection.sock.settimeout(_left(deadline))
        response = connection.getresponse()
        _drain(response, deadline, connection)
    except TimeoutError as exc:
        raise DeliveryError(f"No answer within {timeout:g} seconds.") from exc
    except (OSError, http.client.HTTPException) as exc:
        if time.monotonic() >= deadline:  # the watchdog cut it off
            raise DeliveryError(f"No answer within {timeout:g} seconds.") from exc
        raise DeliveryError(f"{type(exc).__name__}: {exc}"[:200]) from exc
    finally:
        watchdog.cancel()
        connection.close()
    if not 200 <= response.status < 300:
        raise DeliveryError(f"The receiver answered HTTP {response.status}.")
    return response.status


def _abort(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("deadline passed")
    return left


def _drain(
    response: http.client.HTTPResponse, deadline: float, connection: http.client.HTTPConnection
) -> None:
    """Read (and drop) a bounded answer, within the deadline."""
    read = 0
    while read < MAX_RESPONSE_BYTES:
        if connection.sock is not None:
            connection.sock.settimeout(_left(deadline))
        chunk = response.read1(4096)
        if not chunk:
            return
        read += len(chunk)
