"""A real SMTP server for tests (aiosmtpd), on a free 127.0.0.1 port.

It runs in a thread of the test process, so a test can read what it received
and tell it to refuse the next messages with a temporary error; the Celery
worker process reaches it over TCP like any MTA.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def __getitem__(self, header: str) -> str | None:
        # A folded header (long encoded subject) parses with its leading fold.
        value = self.message[header]
        return None if value is None else str(value).strip()

    def body(self, content_type: str) -> str:
        part = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        return part.get_content() if part is not None else ""


@dataclass
class RecordingHandler:
    received: list[ReceivedMail] = field(default_factory=list)
    refused: int = 0
    refuse_next: int = 0
    refusal: str = "451 4.3.0 Try again later"
    # MAIL FROM refused with this reply for the next ``refuse_mail_from_next`` transactions.
    refuse_mail_from_next: int = 0
    mail_from_refusal: str = "554 5.7.1 Relay access denied"
    # RCPT TO refused per address: address → [reply, how many more times (None: always)].
    rcpt_refusals: dict[str, list] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:
        with self.lock:
            if self.refuse_mail_from_next > 0:
                self.refuse_mail_from_next -= 1
                self.refused += 1
                return self.mail_from_refusal
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        with self.lock:
            refusal = self.rcpt_refusals.get(address.lower())
            if refusal is not None and refusal[1] != 0:
                if refusal[1] is not None:
                    refusal[1] -= 1
                return refusal[0]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd names its hooks so
        with self.lock:
            if self.refuse_next > 0:
                self.refuse_next -= 1
                self.refused += 1
                return self.refusal
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 OK"


class SMTPServer:
    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.host = "127.0.0.1"
        self.port = free_port()
        self.controller = Controller(self.handler, hostname=self.host, port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def received(self) -> list[ReceivedMail]:
        with self.handler.lock:
            return list(self.handler.received)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def reset(self) -> None:
        with self.handler.lock:
            self.handler.received.clear()
            self.handler.refused = 0
            self.handler.refuse_next = 0
            self.handler.refuse_mail_from_next = 0
            self.handler.rcpt_refusals.clear()

    def refuse(self, count: int, reply: str = "451 4.3.0 Try again later") -> None:
        """Answer the next ``count`` messages with ``reply`` instead of accepting them."""
        with self.handler.lock:
            self.handler.refuse_next = count
            self.handler.refusal = reply

    def refuse_mail_from(self, count: int, reply: str = "554 5.7.1 Relay access denied") -> None:
        """Refuse the sender (MAIL FROM) of the next ``count`` transactions with ``reply``."""
        with self.handler.lock:
            self.handler.refuse_mail_from_next = count
            self.handler.mail_from_refusal = reply

    def refuse_recipient(self, address: str, reply: str = "550 5.1.1 No such user", count: int | None = None) -> None:
        """Refuse ``address`` at RCPT TO with ``reply`` (``count`` times, or always)."""
        with self.handler.lock:
            self.handler.rcpt_refusals[address.lower()] = [reply, count]

    def wait_for(self, count: int, timeout: float = 30.0) -> list[ReceivedMail]:
        """Wait until at least ``count`` messages were accepted; return them all."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if len(self.received) >= count:
                return self.received
            time.sleep(0.05)
        return self.received
