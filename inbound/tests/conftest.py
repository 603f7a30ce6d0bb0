"""Fixtures of the inbound email tests: a real IMAP server, mail builders."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from catalogue.models import InboundAddress
from inbound.sources import MailboxConfig
from tickets.tests.conftest import make_ticket  # noqa: F401 - the tickets app's factory, shared here

from .dovecot import DovecotServer


@pytest.fixture(scope="session")
def dovecot():
    server = DovecotServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def imap_config(dovecot) -> MailboxConfig:
    """A fresh, empty mailbox on the test Dovecot, as Guichet would configure it."""
    user = dovecot.new_account()
    return MailboxConfig(
        name=user.split("@")[0],
        host=dovecot.host,
        port=dovecot.port,
        user=user,
        password=dovecot.password,
        security="none",
        processed_folder="Guichet-traites",
        timeout=10,
    )


def build_mail(
    *,
    subject: str = "Impossible de me connecter à l'ENT",
    sender: str = "Camille Martin <camille.martin@etu.example.org>",
    to: str = "assistance@univ.example.org",
    body: str = "Bonjour,\nje n'arrive plus à me connecter.\nCamille",
    headers: dict[str, str] | None = None,
    message_id: str | None = "<m1@etu.example.org>",
) -> bytes:
    """A simple, well-formed text/plain message."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Mon, 03 Mar 2025 10:00:00 +0100"
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


# --- Phase 2: filing tickets -------------------------------------------------------


SERVICE_ADDRESS = "assistance@univ.example.org"


@pytest.fixture
def inbound_address(category) -> InboundAddress:
    """``category`` receives the mail sent to ``SERVICE_ADDRESS`` (build_mail's default recipient)."""
    return InboundAddress.objects.create(category=category, email=SERVICE_ADDRESS)
