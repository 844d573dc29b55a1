"""A real IMAP server for the mail tests: Debian's Dovecot, started in a temporary folder.

`start_dovecot(folder)` writes a configuration that listens on 127.0.0.1 on a free port,
signs users in from a passwd file (and by OAuth 2.0 bearer tokens checked at a loopback
introspection endpoint), keeps mail in maildirs under the folder, runs as the current
user and logs to `dovecot.log` there. Tests APPEND messages over IMAP and then run one
poll. Tests that need it are skipped, saying why, only when Dovecot is not installed.
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "helpdesk"
PASSWORD = "mail-test-password"
OAUTH_TOKEN = "valid-access-token"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""

OAUTH2_CONFIG = """\
introspection_mode = post
introspection_url = http://127.0.0.1:{port}/introspect
username_attribute = username
active_attribute = active
active_value = true
tokeninfo_url =
"""


@dataclass(frozen=True)
class Dovecot:
    host: str
    port: int
    user: str
    password: str
    root: Path

    def client(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        conn.login(self.user, self.password)
        return conn

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        conn = self.client()
        try:
            status, data = conn.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)
            assert status == "OK", data
        finally:
            conn.logout()

    def clear(self, folder: str = "INBOX") -> None:
        """Delete every message in the folder (UIDs keep counting up)."""
        conn = self.client()
        try:
            _, count = conn.select(folder)
            if int(count[0] or 0):
                conn.store("1:*", "+FLAGS", "(\\Deleted)")
                conn.expunge()
        finally:
            conn.logout()

    def flags(self, folder: str = "INBOX") -> list[bytes]:
        conn = self.client()
        try:
            conn.select(folder, readonly=True)
            _, data = conn.fetch("1:*", "(FLAGS)")
            return [item for item in data if isinstance(item, bytes)]
        finally:
            conn.logout()

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Introspection(BaseHTTPRequestHandler):
    """RFC 7662 token introspection: OAUTH_TOKEN belongs to USER, anything else is inactive."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        token = (form.get("token") or [""])[0]
        active = token == OAUTH_TOKEN
        body = json.dumps({"active": "true", "username": USER} if active else {"active": "false"})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def loopback_http(handler: type[BaseHTTPRequestHandler]) -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _wait_for(port: int, process: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (
                (root / "dovecot.log").read_text(errors="replace")
                if (root / "dovecot.log").exists()
                else ""
            )
            raise RuntimeError(
                f"dovecot exited early: {process.stderr.read() if process.stderr else b''!r}\n{log}"
            )
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError("dovecot did not start listening within 15 seconds")


def _system_user(*names: str) -> str:
    for name in names:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name).pw_name
    return "nobody"


def _accounts() -> tuple[str, str, int, int]:
    """(login user, internal user, mail uid, mail gid). Dovecot refuses to run its login
    processes or to serve mail as root: as root, the package's own unprivileged users
    take those parts and the mail belongs to nobody."""
    uid, gid = os.getuid(), os.getgid()
    if uid != 0:
        name = pwd.getpwuid(uid).pw_name
        return name, name, uid, gid
    nobody = pwd.getpwnam("nobody")
    return _system_user("dovenull"), _system_user("dovecot"), nobody.pw_uid, nobody.pw_gid


def _write_config(root: Path, port: int, introspection_port: int) -> Path:
    login_user, internal_user, uid, gid = _accounts()
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    (root / "oauth2.conf.ext").write_text(OAUTH2_CONFIG.format(port=introspection_port))
    for sub in ("mail", "home"):
        os.chown(root / sub, uid, gid)
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            root=root,
            port=port,
            uid=uid,
            gid=gid,
            login_user=login_user,
            internal_user=internal_user,
            internal_group=grp.getgrgid(pwd.getpwnam(internal_user).pw_gid).gr_name,
        )
    )
    return config


@contextlib.contextmanager
def running_dovecot() -> Iterator[Dovecot]:
    """Start Dovecot in a new temporary folder (skipping the test when it is not
    installed); stop it and remove the folder after."""
    if not Path(DOVECOT).exists():
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd; .ci/run does it)")
    # Not pytest's tmp_path: its parents are private to us, and Dovecot's unprivileged
    # processes must reach the passwd file and the maildirs.
    root = Path(tempfile.mkdtemp(prefix="hatrack-dovecot-"))
    root.chmod(0o755)
    try:
        with _serving(root) as server:
            yield server
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def _serving(root: Path) -> Iterator[Dovecot]:
    port = free_port()
    with loopback_http(_Introspection) as introspection:
        config = _write_config(root, port, introspection.server_address[1])
        process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            _wait_for(port, process, root)
            yield Dovecot("127.0.0.1", port, USER, PASSWORD, root)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
