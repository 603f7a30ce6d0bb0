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
    cert: str = ""


SUPANN_AMUE = "{UAI}0141408E"  # supannEtablissement: the institution's UAI code
SAML_DIRECTORY = {
    "lmartin": {
        "password": CAS_PASSWORD,
        "attributes": {
            "eduPersonPrincipalName": "lmartin@unicaen.fr",
            "mail": "Lea.Martin@unicaen.fr",
            "givenName": "Léa",
            "sn": "Martin",
            "eduPersonAffiliation": ["employee", "member"],
            "supannEtablissement": SUPANN_AMUE,
        },
    },
    "staffer": {
        "password": CAS_PASSWORD,
        "attributes": {
            "eduPersonPrincipalName": "staffer@unicaen.fr",
            "mail": "staffer@unicaen.fr",
            "givenName": "Mallory",
            "sn": "Usurpe",
            "supannEtablissement": SUPANN_AMUE,
        },
    },
    "foreign": {
        "password": CAS_PASSWORD,
        "attributes": {
            "eduPersonPrincipalName": "foreign@unicaen.fr",
            "mail": "requester@example.org",
            "givenName": "Mallory",
            "sn": "Usurpe",
            "supannEtablissement": SUPANN_AMUE,
        },
    },
    "known": {
        "password": CAS_PASSWORD,
        "attributes": {
            "eduPersonPrincipalName": "known@unicaen.fr",
            "mail": "known@unicaen.fr",
            "givenName": "Directory",
            "sn": "Name",
            "supannEtablissement": SUPANN_AMUE,
        },
    },
}
# Our SP as the IdP knows it (the test checks that the SP's served metadata says the same).
SAML_SP_ENTITY_ID = "http://127.0.0.1/accounts/saml/unicaen/metadata/"
SAML_SP_ACS = "http://127.0.0.1/accounts/saml/unicaen/acs/"
SAML_SP_METADATA = f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
 entityID="{SAML_SP_ENTITY_ID}">
<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAssertionsSigned="true">
<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
 Location="{SAML_SP_ACS}" index="1"/>
</md:SPSSODescriptor></md:EntityDescriptor>"""


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


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory) -> Peer:
    """pysaml2's identity provider in its own process, signing with a key it makes (xmlsec1)."""
    tmp = tmp_path_factory.mktemp("saml")
    (tmp / "sp.xml").write_text(SAML_SP_METADATA)
    (tmp / "users.json").write_text(json.dumps(SAML_DIRECTORY))
    port = free_port()
    peer = PeerProcess(
        "SAML IdP",
        [
            "-m",
            "accounts.tests.peers.saml_idp",
            "--port",
            str(port),
            "--workdir",
            str(tmp / "idp"),
            "--sp-metadata",
            str(tmp / "sp.xml"),
            "--users",
            str(tmp / "users.json"),
        ],
        ready_url=f"http://127.0.0.1:{port}/metadata",
        log_path=tmp / "idp.log",
    )
    peer.start()
    yield Peer(url=f"http://127.0.0.1:{port}", cert=(tmp / "idp" / "idp.crt").read_text())
    peer.stop()


@pytest.fixture
def saml_client(client):
    """The test client with the Host header browsers send: python3-saml reads it, and refuses single-label hosts."""
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    return client
