"""OAuth 2.0 for mailboxes that refuse passwords (Microsoft 365, Google Workspace).

The worker trades the mailbox's refresh token for a short-lived access token at the
provider's token endpoint (RFC 6749 section 6), then signs in to IMAP with SASL XOAUTH2.
Only the standard library talks to the endpoint, with a timeout, and every failure comes
back as `OAuthError` with a message an administrator can act on.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from hatrack.servicedesk.models import Mailbox

TIMEOUT_SECONDS = 20
# Token endpoints answer with small JSON documents; more than this is not one.
MAX_RESPONSE_BYTES = 64 * 1024
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class OAuthError(Exception):
    """The access token could not be obtained; the message says why, in words."""


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int | None
    # Some providers rotate the refresh token; the caller keeps the new one.
    refresh_token: str | None


def xoauth2_string(username: str, access_token: str) -> bytes:
    """The SASL XOAUTH2 initial response: user=<name>^Aauth=Bearer <token>^A^A."""
    return f"user={username}\x01auth=Bearer {access_token}\x01\x01".encode()


def _request_body(mailbox: Mailbox) -> bytes:
    fields = {
        "grant_type": "refresh_token",
        "refresh_token": mailbox.oauth_refresh_token,
        "client_id": mailbox.oauth_client_id,
    }
    if mailbox.oauth_client_secret:
        fields["client_secret"] = mailbox.oauth_client_secret
    if mailbox.oauth_scope:
        fields["scope"] = mailbox.oauth_scope
    return urllib.parse.urlencode(fields).encode()


def _check_settings(mailbox: Mailbox) -> None:
    missing = [
        label
        for label, value in (
            ("token URL", mailbox.oauth_token_url),
            ("client id", mailbox.oauth_client_id),
            ("refresh token", mailbox.oauth_refresh_token),
        )
        if not value
    ]
    if missing:
        raise OAuthError(f"The mailbox's OAuth settings lack: {', '.join(missing)}.")
    url = urllib.parse.urlsplit(mailbox.oauth_token_url)
    # The refresh token and client secret travel in this request: plain http only on
    # loopback (a local test or a token broker on the same machine).
    if url.scheme != "https" and not (url.scheme == "http" and url.hostname in LOOPBACK):
        raise OAuthError("The OAuth token URL must be an https:// address.")


def _error_text(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", "replace")
    if isinstance(data, dict):
        parts = [str(data.get("error", "")), str(data.get("error_description", ""))]
        return ": ".join(p for p in parts if p) or "no reason given"
    return "no reason given"


def _post(mailbox: Mailbox) -> bytes:
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        mailbox.oauth_token_url,
        data=_request_body(mailbox),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return bytes(response.read(MAX_RESPONSE_BYTES))
    except urllib.error.HTTPError as error:
        reason = _error_text(error.read(MAX_RESPONSE_BYTES))
        raise OAuthError(
            f"The token endpoint refused the refresh token (HTTP {error.code}: {reason}). "
            "Sign the mailbox in again to get a new refresh token."
        ) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = str(error.reason if isinstance(error, urllib.error.URLError) else error)
        raise OAuthError(f"The token endpoint could not be reached: {reason}.") from error


def refresh_access_token(mailbox: Mailbox) -> AccessToken:
    """Trade the mailbox's refresh token for an access token. Raises OAuthError."""
    _check_settings(mailbox)
    body = _post(mailbox)
    try:
        data = json.loads(body)
    except ValueError as error:
        raise OAuthError("The token endpoint answered with something that is not JSON.") from error
    token = data.get("access_token") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token:
        raise OAuthError(f"The token endpoint gave no access token ({_error_text(body)}).")
    expires = data.get("expires_in")
    rotated = data.get("refresh_token")
    return AccessToken(
        token=token,
        expires_in=int(expires)
        if isinstance(expires, int | str) and str(expires).isdigit()
        else None,
        refresh_token=rotated if isinstance(rotated, str) and rotated else None,
    )
