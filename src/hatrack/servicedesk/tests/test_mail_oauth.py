"""Trading a mailbox's refresh token for an access token, against a loopback endpoint."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

import pytest

from hatrack.servicedesk.mail.oauth import OAuthError, refresh_access_token, xoauth2_string
from hatrack.servicedesk.models import Mailbox
from hatrack.servicedesk.tests.dovecot import free_port, loopback_http

SEEN: list[dict[str, list[str]]] = []


class Endpoint(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        SEEN.append(form)
        if form["refresh_token"] == ["revoked"]:
            status, data = 400, {"error": "invalid_grant", "error_description": "Token revoked"}
        else:
            status, data = (
                200,
                {"access_token": "at-1", "expires_in": 3599, "refresh_token": "rt-2"},
            )
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def mailbox(url: str, grant: str = "rt-1") -> Mailbox:
    return Mailbox(
        name="m", username="help@x.org", auth=Mailbox.Auth.XOAUTH2, oauth_token_url=url,
        oauth_client_id="client", oauth_client_secret="secret", oauth_refresh_token=grant,
        oauth_scope="https://outlook.office365.com/IMAP.AccessAsUser.All offline_access",
    )  # fmt: skip


def test_the_xoauth2_string_follows_the_sasl_format():
    assert xoauth2_string("help@x.org", "tok") == b"user=help@x.org\x01auth=Bearer tok\x01\x01"


def test_a_refresh_token_is_traded_for_an_access_token():
    SEEN.clear()
    with loopback_http(Endpoint) as server:
        token = refresh_access_token(mailbox(f"http://127.0.0.1:{server.server_address[1]}/t"))
    assert (token.token, token.expires_in, token.refresh_token) == ("at-1", 3599, "rt-2")
    assert SEEN[0]["grant_type"] == ["refresh_token"]
    assert SEEN[0]["client_secret"] == ["secret"]


def test_a_refused_refresh_token_says_why_in_words():
    with (
        loopback_http(Endpoint) as server,
        pytest.raises(OAuthError, match="invalid_grant: Token revoked"),
    ):
        refresh_access_token(mailbox(f"http://127.0.0.1:{server.server_address[1]}/t", "revoked"))


def test_an_unreachable_endpoint_is_a_clear_error():
    with pytest.raises(OAuthError, match="could not be reached"):
        refresh_access_token(mailbox(f"http://127.0.0.1:{free_port()}/t"))


def test_missing_settings_are_named():
    box = mailbox("https://login.example/t", grant="")
    with pytest.raises(OAuthError, match="refresh token"):
        refresh_access_token(box)


def test_a_token_url_over_plain_http_is_refused_unless_on_loopback():
    with pytest.raises(OAuthError, match="must be an https:// address"):
        refresh_access_token(mailbox("http://login.example.org/t"))
