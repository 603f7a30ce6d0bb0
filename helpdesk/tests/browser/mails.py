"""Reading the mails a journey causes from the real SMTP sink.

The pages queue ticket mails in the outbox; the real Celery worker sends them
to the aiosmtpd server of the ``smtp`` fixture. A journey waits for the mail
a step must cause (by recipient and ``X-Guichet-Kind``), checks that it
carries the ticket's reference and the direct link to its page, and may open
that link in the browser.
"""

from __future__ import annotations

import re
import time

from helpdesk.testing.smtp import ReceivedMail, SMTPServer

MAIL_TIMEOUT = 30.0


def wait_for_mail(
    smtp: SMTPServer, *, to: str, kind: str, reference: int, count: int = 1, timeout: float = MAIL_TIMEOUT
) -> ReceivedMail:
    """The ``count``-th (and last) mail of ``kind`` about ticket ``reference`` sent to ``to``.

    Waits for the worker to deliver it; fails if it never comes or if more came.
    """
    end = time.monotonic() + timeout
    while True:
        found = [
            mail
            for mail in smtp.received
            if mail.rcpt_tos == [to] and mail["X-Guichet-Kind"] == kind and mail["X-Guichet-Ticket"] == str(reference)
        ]
        if len(found) >= count or time.monotonic() > end:
            break
        time.sleep(0.05)
    seen = [(m.rcpt_tos, m["X-Guichet-Kind"], m["Subject"]) for m in smtp.received]
    assert len(found) == count, f"expected {count} {kind!r} mail(s) to {to} about #{reference}; the sink holds {seen}"
    mail = found[-1]
    assert mail["Subject"].startswith(f"[Guichet #{reference}] "), mail["Subject"]
    return mail


def ticket_links(mail: ReceivedMail, base_url: str, reference: int) -> list[str]:
    """The links to the ticket's page in the text and the HTML part (the same in both)."""
    pattern = re.compile(re.escape(f"{base_url}/demandes/{reference}/") + r"(?:#[\w-]+)?")
    in_text = pattern.findall(mail.body("text/plain"))
    in_html = pattern.findall(mail.body("text/html"))
    assert in_text, f"no link to #{reference} in: {mail.body('text/plain')}"
    assert sorted(set(in_text)) == sorted(set(in_html)), (in_text, in_html)
    return in_text
