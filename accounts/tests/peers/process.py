"""Start a protocol peer (CAS server, OIDC provider) as a separate process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PeerProcess:
    def __init__(self, name: str, args: list[str], *, ready_url: str, log_path: Path, env: dict | None = None) -> None:
        self.name, self.args, self.ready_url, self.log_path = name, args, ready_url, log_path
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None

    def start(self, *, timeout: float = 90.0) -> None:
        cwd = Path(__file__).resolve().parents[3]
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, *self.args], cwd=cwd, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if requests.get(self.ready_url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(
            f"{self.name} did not start at {self.ready_url}:\n{self.log_path.read_text(errors='replace')}"
        )

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = dict(attrs)
        if tag == "form":
            self.forms.append({"action": data.get("action") or "", "fields": {}})
        elif tag == "input" and self.forms and data.get("name"):
            if data.get("type") in ("checkbox", "radio") and "checked" not in data:
                return
            self.forms[-1]["fields"][data["name"]] = data.get("value") or ""


def html_forms(html: str) -> list[dict]:
    """The forms of a page with their action and input values, as a browser would submit them."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms
