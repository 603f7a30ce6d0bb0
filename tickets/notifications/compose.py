"""One ticket email for one person: language, direct link, subject and headers.

Every mail is rendered in the recipient's language (``User.language``),
from ``templates/email/tickets/<template>``, with a subject
``[Guichet #N] …`` and a direct link to the ticket page. Requesters who
cannot log in with a password (email-only accounts created by inbound mail)
get a signed ``/lien/<token>`` link instead of the plain page address.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.db.models import Case, Q, Value, When
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation

from accounts import roles
from accounts.notifications import wants_notification
from catalogue.models import InboundAddress, ReplyMode
from helpdesk.mail import AUTO_GENERATED, AUTO_REPLIED, absolute_url, queue_email, queue_emails, ticket_subject
from helpdesk.models import OutboundEmail
from helpdesk.signing import make_ticket_link
from tickets.status import CLOSED_STATES

logger = logging.getLogger(__name__)


def uses_signed_link(user: Any) -> bool:
    """Email-only requesters have no way to log in: their links are signed.

    Anyone else signs in as usual — with a password, or through their
    institution's SSO (such accounts have no usable password, yet must not be
    entered through a forwarded email that bypasses the SSO). Helpdesk staff
    never get one either: their accounts need their own login (SSO, MFA).
    """
    if not user.is_email_only:
        return False  # checked first: most people sign in, and the staff check costs a query
    return not roles.is_helpdesk_staff(user)


def ticket_url(user: Any, reference: int, *, anchor: str = "") -> str:
    """The absolute address that opens ticket ``reference`` for ``user``."""
    if uses_signed_link(user):
        path = make_ticket_link(ticket_reference=reference, user_id=user.pk)
    else:
        path = _detail_path(reference)
    return absolute_url(path) + (f"#{anchor}" if anchor else "")


_SAMPLE_REFERENCE = 918273645
# (script prefix, URLconf) → the ticket page's path around its reference: a sweep's ten
# thousand links cost one ``reverse`` (a tenth of a millisecond each otherwise).
_detail_paths: dict[tuple[str, Any], tuple[str, str]] = {}


def _detail_path(reference: int) -> str:
    key = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    around = _detail_paths.get(key)
    if around is None:
        before, _, after = reverse("tickets:detail", args=[_SAMPLE_REFERENCE]).partition(str(_SAMPLE_REFERENCE))
        around = _detail_paths[key] = (before, after)
    return f"{around[0]}{reference}{around[1]}"


@dataclass
class TicketMail:
    """What a rule decided to say; ``build`` is called in the recipient's language."""

    recipient: Any
    kind: str
    build: Callable[[], Mapping[str, Any]]
    # An ``accounts.notifications.OptionalNotification`` code, or "" if essential.
    optional: str = ""
    template: str = "email/tickets/notification"
    auto_submitted: str = AUTO_GENERATED
    extra: dict[str, Any] = field(default_factory=dict)
    # Mails to people who may continue the ticket by mail carry its inbound
    # address; agents answer in the application (a mailed reply from an agent
    # would file a new ticket), so their mails do not.
    replies_by_mail: bool = True


def may_receive(user: Any, *, actor: Any, optional: str = "", notify_actor: bool = False) -> bool:
    """Active, with an address, not the person who acted, and not opted out."""
    if user is None or not user.is_active or not user.email:
        return False
    if not notify_actor and actor is not None and user.pk == actor.pk:
        return False
    return not optional or wants_notification(user, optional)


# Inside ``notification_run()`` (a run of the inbound pipeline: a mailbox poll, a Maildir
# import), what every message's mails read alike — a category's reply address, a service's
# staff, the hour's count of automatic replies — is read once for the run, not once per
# message. A run is short: a change made meanwhile counts from the next run.
_run: ContextVar[dict[Any, Any] | None] = ContextVar("notification_run", default=None)


@contextmanager
def notification_run() -> Iterator[None]:
    token = _run.set({})
    try:
        yield
    finally:
        _run.reset(token)


def read_once_per_run(key: Any, read: Callable[[], Any]) -> Any:
    """``read()``, or inside a ``notification_run`` the value it gave the first time for ``key``."""
    run = _run.get()
    if run is None:
        return read()
    if key not in run:
        run[key] = read()
    return run[key]


def read_in_run(key: Any) -> Any:
    """What ``read_once_per_run`` keeps for ``key`` in the current run; None if nothing."""
    run = _run.get()
    return None if run is None else run.get(key)


def reply_address(ticket: Any) -> InboundAddress | None:
    """The inbound address a reply about ``ticket`` should go to: one of its
    category's, else one of its handling service's other categories'."""

    def read() -> InboundAddress | None:  # built only when read: within a run, once (issue 22)
        # One query: the category's own addresses sort first.
        own_first = Case(When(category_id=ticket.category_id, then=Value(0)), default=Value(1))
        addresses = InboundAddress.objects.filter(
            Q(category_id=ticket.category_id) | Q(category__service_id=ticket.service_id)
        )
        return addresses.order_by(own_first, "pk").first()

    return read_once_per_run(("reply_address", ticket.category_id, ticket.service_id), read)


def _sender_name() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[0] or "Guichet"


def auto_reply_allowed() -> bool:
    """Under the global limit of automatic answers to incoming mail
    (``GUICHET_INBOUND_ACK_RATE_LIMIT_PER_HOUR``): a flood of forged mail
    must not turn us into a relay that mails thousands of strangers."""
    limit = settings.GUICHET_INBOUND_ACK_RATE_LIMIT_PER_HOUR

    def count() -> list[int]:
        since = timezone.now() - timedelta(hours=1)
        # Auto-Submitted: auto-replied marks exactly the answers to incoming mail (RFC 3834).
        answers = OutboundEmail.objects.filter(created_at__gte=since, **{"headers__Auto-Submitted": AUTO_REPLIED})
        return [answers.count()]

    # Within a run: counted once, then each answer allowed counts (the caller writes it).
    sent = read_once_per_run("auto_replies", count)
    if sent[0] >= limit:
        logger.warning("notifications: %s automatic replies in the last hour (limit %s): not answering", sent[0], limit)
        return False
    sent[0] += 1
    return True


def send_ticket_mail(ticket: Any, mail: TicketMail) -> OutboundEmail:
    """Render ``mail`` in its recipient's language and queue it in the current transaction."""
    inbound = reply_address(ticket) if mail.replies_by_mail else None
    return queue_email(**_mail_arguments(ticket, mail, inbound))


def send_ticket_mails(mails: Sequence[tuple[Any, TicketMail]]) -> list[OutboundEmail]:
    """``send_ticket_mail`` for many (ticket, mail) pairs: the reply address
    read once per category, the mails written in one INSERT and each template
    rendered once per language (``helpdesk.mail.queue_emails``)."""
    addresses: dict[tuple[int, int], InboundAddress | None] = {}
    arguments = []
    for ticket, mail in mails:
        inbound = None
        if mail.replies_by_mail:
            key = (ticket.category_id, ticket.service_id)
            if key not in addresses:
                addresses[key] = reply_address(ticket)
            inbound = addresses[key]
        arguments.append(_mail_arguments(ticket, mail, inbound))
    return queue_emails(arguments)


def _mail_arguments(ticket: Any, mail: TicketMail, inbound: InboundAddress | None) -> dict[str, Any]:
    user = mail.recipient
    language = user.language or None
    from helpdesk.mail import email_language

    with translation.override(email_language(language)):
        content = dict(mail.build())
        subject = ticket_subject(ticket.reference, str(content.pop("subject")))
        # Only plain values (no "ticket" object: no mail template reads one), so that
        # ``helpdesk.mail.batch`` may reuse a rendering from one mail to the next.
        context = {
            "recipient_name": user.get_full_name(),
            "action_url": ticket_url(user, ticket.reference),
            "reply_enabled": inbound is not None,
            "reply_files_follow_up": ticket.status in CLOSED_STATES,
            **content,
        }
    from_email = reply_to = None
    if inbound is not None and inbound.reply_mode == ReplyMode.FROM:
        from_email = formataddr((_sender_name(), inbound.email))
    elif inbound is not None:
        reply_to = inbound.email
    return {
        "to": user.email,
        "subject": subject,
        "template": mail.template,
        "context": context,
        "language": language,
        "kind": mail.kind,
        "ticket_reference": ticket.reference,
        "related": f"user:{user.pk}",
        "auto_submitted": mail.auto_submitted,
        "reply_to": reply_to,
        "from_email": from_email,
    }
