"""A real Dovecot IMAP server for the tests, run as a child process.

Listens on 127.0.0.1 on a free port, plain IMAP (no TLS), a fixed pool of
users in a static passwd-file (``new_account`` hands out a fresh, empty one:
Dovecot re-reads a changed passwd-file at most once a second, so users are
not added while it runs), mail in Maildirs under a temporary directory. Works as root (the
Debian package's ``dovecot``/``dovenull`` users run the processes) and as an
ordinary user (everything runs as that user).
"""

from __future__ import annotations

import getpass
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DovecotServer:
    host = "127.0.0.1"
    password = "imap-secret"
    pool_size = 200

    def __init__(self) -> None:
        # Short path: Dovecot's UNIX sockets live under base_dir (108-byte limit).
        self.root = Path(tempfile.mkdtemp(prefix="gdv-"))
        self.root.chmod(0o755)  # the auth process (user dovecot when we are root) reads the passwd-file
        self.port = free_port()
        self.passwd = self.root / "passwd"
        self.log = self.root / "dovecot.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._accounts = itertools.count(1)

    def _config(self) -> str:
        if os.geteuid() == 0:
            internal, login, mail_user = "dovecot", "dovenull", "dovecot"
        else:
            internal = login = mail_user = getpass.getuser()
        mail_dir = self.root / "mail"
        mail_dir.mkdir()
        entry = pwd.getpwnam(mail_user)
        os.chown(mail_dir, entry.pw_uid, entry.pw_gid)
        return f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.log}
protocols = imap
listen = {self.host}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{mail_dir}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.passwd}
}}
userdb {{
  driver = static
  args = uid={entry.pw_uid} gid={entry.pw_gid} home={mail_dir}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""

    def start(self, timeout: float = 20.0) -> None:
        if not Path(DOVECOT).exists():
            # A failure naming what to install, not a fixture error with a traceback (nor a skip).
            pytest.fail(
                f"dovecot is not installed ({DOVECOT} missing): run .ci/system-deps as root "
                "(Debian package dovecot-imapd)",
                pytrace=False,
            )
        self.passwd.write_text(
            "".join(f"support{n}@example.org:{{PLAIN}}{self.password}::::::\n" for n in range(1, self.pool_size + 1))
        )
        self.passwd.chmod(0o644)
        config = self.root / "dovecot.conf"
        config.write_text(self._config())
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.process.stderr.read().decode(errors='replace')}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as sock:
                    if sock.recv(64).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"dovecot did not answer on port {self.port}: {self.read_log()}")

    def new_account(self) -> str:
        """The login of a user whose mailbox nobody has used yet."""
        number = next(self._accounts)
        if number > self.pool_size:
            raise RuntimeError("the test Dovecot has no unused account left; raise pool_size")
        return f"support{number}@example.org"

    def read_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)
