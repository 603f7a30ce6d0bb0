"""Real protocol peers for the SSO tests, each in its own process on 127.0.0.1.

``cas_server``: django-cas-server with its own SQLite database and the test
directory below. ``oidc_provider``: oidc-provider-mock (a real OpenID
Connect provider built on authlib). Both start once per session and fail the
tests loudly if they cannot start.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from accounts.tests.peers.process import PeerProcess, free_port

CAS_PASSWORD = "cas-secret-pw"

CAS_DIRECTORY = {
    "etu1": {
        "password": CAS_PASSWORD,
        "attributes": {
            "mail": "Lou.Etudiant@etu.univ-test.fr",
            "givenName": "Lou",
            "sn": "Étudiant",
            "eduPersonAffiliation": ["student", "member"],
            "supannEtuId": "21001234",
        },
    },
    "pers1": {
        "password": CAS_PASSWORD,
        "attributes": {
            "mail": "marie.roux@univ-test.fr",
            "givenName": "Marie",
            "sn": "Roux",
            "eduPersonAffiliation": ["staff", "employee", "member"],
        },
    },
    "nomail": {"password": CAS_PASSWORD, "attributes": {"givenName": "Sans", "sn": "Adresse"}},
    "victim": {
        "password": CAS_PASSWORD,
        "attributes": {"mail": "victim@univ-test.fr", "givenName": "Vic", "sn": "Time"},
    },
    # An address on the institution's domain that the tests give to a privileged account.
    "staffer": {
        "password": CAS_PASSWORD,
        "attributes": {"mail": "staffer@univ-test.fr", "givenName": "Mallory", "sn": "Usurpe"},
    },
    # The institution's CAS releasing an address on another domain (the cast's requester's).
    "foreign": {
        "password": CAS_PASSWORD,
        "attributes": {"mail": "requester@example.org", "givenName": "Mallory", "sn": "Usurpe"},
    },
    "known": {
        "password": CAS_PASSWORD,
        "attributes": {"mail": "known@univ-test.fr", "givenName": "Known", "sn": "Local"},
    },
}


@dataclass
class Peer:
    url: str


@pytest.fixture(scope="session")
def cas_server(tmp_path_factory) -> Peer:
    tmp = tmp_path_factory.mktemp("cas")
    users = tmp / "users.json"
    users.write_text(json.dumps(CAS_DIRECTORY))
    port = free_port()
    peer = PeerProcess(
        "CAS server",
        [
            "-m",
            "accounts.tests.peers.cas_server",
            "--port",
            str(port),
            "--db",
            str(tmp / "cas.sqlite3"),
            "--users",
            str(users),
        ],
        ready_url=f"http://127.0.0.1:{port}/cas/login",
        log_path=tmp / "cas.log",
    )
    peer.start()
    yield Peer(url=f"http://127.0.0.1:{port}/cas/")
    peer.stop()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory) -> Peer:
    tmp = tmp_path_factory.mktemp("oidc")
    port = free_port()
    peer = PeerProcess(
        "OIDC provider",
        ["-m", "oidc_provider_mock", "--port", str(port)],
        ready_url=f"http://127.0.0.1:{port}/.well-known/openid-configuration",
        log_path=tmp / "oidc.log",
        env={"NO_COLOR": "1"},
    )
    peer.start()
    yield Peer(url=f"http://127.0.0.1:{port}")
    peer.stop()
