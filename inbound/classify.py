"""Which messages are written by people, and which by machines.

Guichet must never answer a machine: an acknowledgement sent to an
out-of-office reply, a bounce or a mailing list starts a mail loop. The
rules, in the order they are applied (the first that matches wins):

1. **OWN** — a message Guichet itself sent, come back: first of all its
   Message-ID is one of our signed ones (``helpdesk.mail.is_our_message_id``,
   the outbox's own test); then, as secondary signals, its
   ``X-Guichet-Instance`` header equals ``settings.GUICHET_INSTANCE_ID``, or
   its Message-ID is on one of ``settings.GUICHET_INBOUND_OWN_DOMAINS``
   (by default the instance id, the domain of our Message-IDs).
2. **BOUNCE** — a delivery report: ``multipart/report;
   report-type=delivery-status`` (or a bare ``message/delivery-status``), a
   sender whose local part is ``mailer-daemon`` or ``postmaster``, or an
   ``X-Failed-Recipients`` header. Failed recipients and the Message-ID of
   the returned message are extracted when present.
3. **AUTO_REPLY** — any other automatic message: ``Auto-Submitted`` other
   than ``no`` (RFC 3834); ``Precedence`` bulk, junk, list or auto_reply;
   ``X-Auto-Response-Suppress``, ``X-Autoreply``, ``X-Autorespond``,
   ``X-Autoresponder``, ``X-AutoReply-From``, ``X-Mail-Autoreply`` present;
   feedback (ARF) and
   disposition-notification (read receipt) reports. A machine subject
   ("Réponse automatique :", "Automatic reply:", "Out of Office:", "Absent
   du bureau", …) counts **only when the message is also a reply**
   (In-Reply-To or References): a subject is the sender's free text, and a
   student writing "Absence à l'examen" must get a ticket.
4. **BOUNCE** (again) — a null return path (``Return-Path: <>``) with none
   of the above: only machines send with it (RFC 5321 § 4.5.5).
5. **NORMAL** — everything else.

Only NORMAL messages may be answered (``Classification.may_answer``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

from helpdesk.mail.message_id import is_our_message_id

from .parse import ParsedMessage, parse_addresses, parse_message_ids


class MailKind(StrEnum):
    OWN = "own"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    NORMAL = "normal"


@dataclass(frozen=True)
class DeliveryFailure:
    """One recipient block of a delivery status notification (RFC 3464)."""

    recipient: str
    action: str  # failed, delayed, delivered, relayed, expanded ("" when unknown)
    status: str  # e.g. "5.1.1" ("" when unknown)
    diagnostic: str = ""

    @property
    def is_permanent(self) -> bool:
        """A hard bounce: the address will not work on a retry."""
        return (self.action == "failed" and not self.status.startswith("4")) or self.status.startswith("5")


@dataclass(frozen=True)
class Classification:
    kind: MailKind
    reasons: tuple[str, ...] = ()
    recipients: tuple[DeliveryFailure, ...] = ()  # bounces only
    original_message_id: str | None = None  # bounces and reports: the returned message's id

    @property
    def may_answer(self) -> bool:
        return self.kind == MailKind.NORMAL

    @property
    def failed_recipients(self) -> tuple[str, ...]:
        """Addresses that bounced permanently (hard bounces)."""
        return tuple(dict.fromkeys(r.recipient for r in self.recipients if r.is_permanent))


AUTO_REPLY_HEADERS = (
    "X-Auto-Response-Suppress",
    "X-Autoreply",
    "X-Autorespond",
    "X-Autoresponder",
    "X-AutoReply-From",
    "X-Mail-Autoreply",
)
BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}
MACHINE_SENDERS = {"mailer-daemon", "postmaster"}

# Subjects produced by out-of-office and auto-reply software (anchored at the
# start, after any reply prefixes). Alone they prove nothing: see rule 3.
AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(?:(?:re|tr|fwd?)\s*:\s*)*"
    r"(?:r[ée]ponse\s+automatique|automatic\s+reply|auto[\s-]?reply|autoreply|auto[\s-]?response"
    r"|out\s+of\s+(?:the\s+)?office|absente?\s+du\s+bureau|absent\(e\)\s+du\s+bureau"
    r"|absence\s+du\s+bureau|message\s+d['’]absence|r[ée]ponse\s+d['’]absence|abwesenheitsnotiz"
    r"|auto\s*:)",
    re.IGNORECASE,
)


def _own_domains() -> set[str]:
    return {d.lower() for d in getattr(settings, "GUICHET_INBOUND_OWN_DOMAINS", [])}


def _is_own(parsed: ParsedMessage) -> str | None:
    if parsed.message_id and is_our_message_id(parsed.message_id):
        return "Message-ID signed by this instance"
    instance = parsed.header("X-Guichet-Instance")
    if instance is not None and instance.strip() == settings.GUICHET_INSTANCE_ID:
        return "X-Guichet-Instance is ours"
    if parsed.message_id:
        domain = parsed.message_id.strip("<>").rpartition("@")[2].lower()
        if domain in _own_domains():
            return f"Message-ID on our domain {domain}"
    return None


def _header_token(value: str | None) -> str:
    """The first token of a header value, lower-case, without comments or parameters."""
    if not value:
        return ""
    value = re.sub(r"\([^)]*\)", "", value)
    return value.split(";", 1)[0].strip().lower()


def _bounce_reasons(parsed: ParsedMessage) -> list[str]:
    reasons = []
    if parsed.report_type == "delivery-status" or parsed.content_type in {
        "message/delivery-status",
        "message/global-delivery-status",
    }:
        reasons.append("delivery status report")
    elif parsed.delivery_status is not None and parsed.content_type == "multipart/report":
        reasons.append("report with a delivery status part")
    local = parsed.from_address.partition("@")[0]
    if local in MACHINE_SENDERS:
        reasons.append(f"sender is {local}")
    if parsed.header("X-Failed-Recipients"):
        reasons.append("X-Failed-Recipients header")
    return reasons


def _auto_reply_reasons(parsed: ParsedMessage) -> list[str]:
    reasons = []
    auto_submitted = _header_token(parsed.header("Auto-Submitted"))
    if auto_submitted and auto_submitted != "no":
        reasons.append(f"Auto-Submitted: {auto_submitted}")
    precedence = _header_token(parsed.header("Precedence"))
    if precedence in BULK_PRECEDENCE:
        reasons.append(f"Precedence: {precedence}")
    for name in AUTO_REPLY_HEADERS:
        if parsed.header(name) is not None:
            reasons.append(f"{name} header")
    if parsed.report_type in {"feedback-report", "disposition-notification"}:
        reasons.append(f"{parsed.report_type} report")
    elif any(a.content_type == "message/feedback-report" for a in parsed.attachments):
        reasons.append("feedback-report report")
    if AUTO_REPLY_SUBJECT.match(parsed.subject) and (parsed.in_reply_to or parsed.references):
        reasons.append("auto-reply subject on a reply")
    return reasons


_DSN_FIELD = re.compile(r"^([A-Za-z-]+)\s*:\s*(.*)$")


def parse_delivery_status(text: str) -> list[DeliveryFailure]:
    """Recipient blocks of a ``message/delivery-status`` body (RFC 3464 § 2.3)."""
    failures = []
    for block in re.split(r"\r?\n\s*\r?\n", text.strip()):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            if line[:1] in {" ", "\t"} and current:
                fields[current] += " " + line.strip()
                continue
            match = _DSN_FIELD.match(line)
            if match:
                current = match.group(1).lower()
                fields.setdefault(current, match.group(2).strip())
        recipient = fields.get("final-recipient") or fields.get("original-recipient")
        if not recipient:
            continue
        address = recipient.split(";", 1)[-1].strip().strip("<>").strip().lower()
        if "@" not in address:
            continue
        status = re.match(r"\d\.\d{1,3}\.\d{1,3}", fields.get("status", ""))
        failures.append(
            DeliveryFailure(
                recipient=address,
                action=fields.get("action", "").split()[0].lower() if fields.get("action") else "",
                status=status.group(0) if status else "",
                diagnostic=fields.get("diagnostic-code", "")[:500],
            )
        )
    return failures


_QMAIL_RECIPIENT = re.compile(r"^<([^<>\s]+@[^<>\s]+)>:\s*$", re.MULTILINE)
_BODY_MESSAGE_ID = re.compile(r"^\s*Message-ID\s*:\s*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)


def _bounce_details(parsed: ParsedMessage) -> tuple[tuple[DeliveryFailure, ...], str | None]:
    recipients = parse_delivery_status(parsed.delivery_status) if parsed.delivery_status else []
    known = {r.recipient for r in recipients}
    # Exim and Gmail name the failed addresses in a header; qmail in the text.
    extra = [a for _, a in parse_addresses(parsed.header_values("X-Failed-Recipients"))]
    if not recipients:
        extra += [a.lower() for a in _QMAIL_RECIPIENT.findall(parsed.text)]
    for address in dict.fromkeys(extra):
        if address not in known:
            recipients.append(DeliveryFailure(recipient=address, action="failed", status=""))
    return tuple(recipients), _original_message_id(parsed)


def _original_message_id(parsed: ParsedMessage, *, search_text: bool = True) -> str | None:
    for name, value in parsed.enclosed_headers:
        if name.lower() == "message-id":
            ids = parse_message_ids(value)
            if ids:
                return ids[0]
    if not search_text:
        return None
    # Bounces that quote the original in their text.
    match = _BODY_MESSAGE_ID.search(parsed.text)
    if match and match.group(1) != parsed.message_id:
        return match.group(1)
    return None


def classify(parsed: ParsedMessage) -> Classification:
    """Classify one parsed message (see the module docstring for the rules)."""
    own = _is_own(parsed)
    if own:
        return Classification(kind=MailKind.OWN, reasons=(own,))
    bounce = _bounce_reasons(parsed)
    if bounce:
        recipients, original = _bounce_details(parsed)
        return Classification(
            kind=MailKind.BOUNCE, reasons=tuple(bounce), recipients=recipients, original_message_id=original
        )
    auto = _auto_reply_reasons(parsed)
    if auto:
        return Classification(
            kind=MailKind.AUTO_REPLY,
            reasons=tuple(auto),
            original_message_id=_original_message_id(parsed, search_text=False),
        )
    if parsed.return_path == "":
        recipients, original = _bounce_details(parsed)
        return Classification(
            kind=MailKind.BOUNCE, reasons=("null return path",), recipients=recipients, original_message_id=original
        )
    return Classification(kind=MailKind.NORMAL)
