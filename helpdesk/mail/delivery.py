"""One SMTP transaction and what its answers mean, per recipient and per stage.

Django's SMTP backend raises only when *every* recipient is refused and
otherwise forgets the refused ones, and it reports a relay refusing the
whole transaction the same way as an address that does not exist. Here:

- a refusal at RCPT concerns that address only: 5xx is permanent for it
  (the address is marked bouncing, the others still get the mail), 4xx is
  temporary for it (retried later for that address alone);
- a refusal of the whole transaction — connection, greeting, HELO, AUTH,
  MAIL FROM, DATA — or a network error is a *relay problem*: whatever the
  code, the mail is not at fault; it is retried with back-off, without an
  attempt limit, and logged as an error for someone to look at.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

# An address → (SMTP code, server's text)
Refusals = dict[str, tuple[int, str]]


@dataclass
class Delivery:
    """What one attempt achieved."""

    accepted: bool  # the relay took the message for at least one recipient
    permanent: Refusals = field(default_factory=dict)  # 5xx at RCPT
    temporary: Refusals = field(default_factory=dict)  # 4xx at RCPT


class RelayProblem(Exception):
    """The relay (or the way to it) refused or broke the whole transaction."""

    def __init__(self, stage: str, code: int | None, detail: str) -> None:
        super().__init__(f"{stage}: {code or ''} {detail}".strip())
        self.stage, self.code = stage, code

    @property
    def is_refusal(self) -> bool:
        """A 5xx: the relay refuses us (configuration, reputation, policy) — someone must act."""
        return bool(self.code and self.code >= 500)


def _plain(address: str) -> str:
    return parseaddr(address)[1].strip().lower()


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _split(refused: dict[str, tuple[int, bytes]]) -> tuple[Refusals, Refusals]:
    permanent, temporary = {}, {}
    for address, (code, reply) in refused.items():
        (permanent if code >= 500 else temporary)[_plain(address)] = (code, _text(reply))
    return permanent, temporary


def deliver(message: EmailMessage) -> Delivery:
    """Send ``message`` once; raise ``RelayProblem`` for a transaction-wide failure.

    With a non-SMTP backend (files, memory: development and most tests) the
    backend's own ``send`` is used and every recipient counts as accepted."""
    owns_session = message.connection is None
    backend = message.get_connection()  # sets message.connection
    if not isinstance(backend, SMTPBackend):
        message.send(fail_silently=False)
        return Delivery(accepted=True)
    if owns_session:  # a session of its own, closed after this one mail
        try:
            return deliver(message)
        finally:
            backend.close()
    try:
        backend.open()  # no-op when already open: one SMTP session per sweep
    except smtplib.SMTPResponseException as exc:
        raise RelayProblem("connection", exc.smtp_code, _text(exc.smtp_error)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise RelayProblem("connection", None, f"{type(exc).__name__}: {exc}") from exc
    encoding = message.encoding or settings.DEFAULT_CHARSET
    sender = sanitize_address(message.from_email, encoding)
    recipients = [sanitize_address(a, encoding) for a in message.recipients()]
    try:
        refused = backend.connection.sendmail(sender, recipients, message.message().as_bytes(linesep="\r\n"))
    except smtplib.SMTPRecipientsRefused as exc:  # every recipient refused at RCPT
        permanent, temporary = _split(exc.recipients)
        return Delivery(accepted=False, permanent=permanent, temporary=temporary)
    except smtplib.SMTPSenderRefused as exc:
        raise RelayProblem("MAIL FROM", exc.smtp_code, _text(exc.smtp_error)) from exc
    except smtplib.SMTPDataError as exc:
        raise RelayProblem("DATA", exc.smtp_code, _text(exc.smtp_error)) from exc
    except smtplib.SMTPResponseException as exc:
        raise RelayProblem("session", exc.smtp_code, _text(exc.smtp_error)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise RelayProblem("session", None, f"{type(exc).__name__}: {exc}") from exc
    permanent, temporary = _split(refused)
    return Delivery(accepted=True, permanent=permanent, temporary=temporary)
