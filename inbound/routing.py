"""Which category a new ticket by email goes to, and who sent it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from email.utils import getaddresses
from typing import Any

from django.conf import settings
from django.db import transaction

from accounts.email_only import user_for_email
from catalogue.models import Category, InboundAddress
from catalogue.selectors import catalogue_read_once
from helpdesk.mail.compose import publishing_in_chunks
from tickets.notifications.compose import notification_run

from .parse import ParsedMessage


def recipients(parsed: ParsedMessage) -> list[str]:
    """Our candidate addresses, the envelope first (Delivered-To is where the
    MTA actually delivered; To/Cc may list other people's addresses too)."""
    return list(dict.fromkeys(parsed.delivered_to + parsed.to + parsed.cc))


# Inside ``ingest_run()``: every inbound address → its category (with its service), read once
# (on first use: inside a message's processing, where an outage is a temporary failure).
_run_addresses: ContextVar[dict[str, dict[str, Any]] | None] = ContextVar("inbound_run_addresses", default=None)


@contextmanager
def ingest_run() -> Iterator[None]:
    """A run of the pipeline over many messages (a mailbox poll, a Maildir
    import): the inbound addresses, the catalogue and what the notifications
    read alike (``tickets.notifications.compose.notification_run``) are read
    once for the run, not once per message. A run is short (one poll): an address or a
    category changed meanwhile counts from the next run. The mails the messages queue are
    handed to the workers by chunks (``helpdesk.mail.compose.publishing_in_chunks``: at most a
    second late), not one broker message per message."""
    token = _run_addresses.set({})
    try:
        with catalogue_read_once(), notification_run(), publishing_in_chunks():
            yield
    finally:
        _run_addresses.reset(token)


def _addresses_of_run() -> dict[str, Category] | None:
    run = _run_addresses.get()
    if run is None:
        return None
    if "all" not in run:
        run["all"] = {a.email: a.category for a in InboundAddress.objects.select_related("category__service")}
    return run["all"]


def _categories_of(addresses: list[str]) -> dict[str, Category]:
    """Address → category for those of ``addresses`` a category claims (service loaded: the mails name it)."""
    every = _addresses_of_run()
    if every is not None:
        return {address: every[address] for address in addresses if address in every}
    claimed = InboundAddress.objects.filter(email__in=addresses).select_related("category__service")
    return {a.email: a.category for a in claimed}


def route(parsed: ParsedMessage) -> Category | None:
    """The leaf category of the first recipient address a category claims,
    else ``GUICHET_INBOUND_DEFAULT_CATEGORY``; None when neither accepts tickets."""
    addresses = recipients(parsed)
    if addresses:
        found = _categories_of(addresses)
        for address in addresses:
            category = found.get(address)
            if category is not None and category.accepts_tickets:
                return category
    slug = settings.GUICHET_INBOUND_DEFAULT_CATEGORY
    if slug:
        category = _default_category(slug)
        if category is not None and category.accepts_tickets:
            return category
    return None


def _default_category(slug: str) -> Category | None:
    """``GUICHET_INBOUND_DEFAULT_CATEGORY``'s node (service loaded), read once per run: mail to
    strangers' addresses all lands there."""
    run = _run_addresses.get()
    if run is not None and ("default", slug) in run:
        return run[("default", slug)]
    category = Category.objects.filter(slug=slug).select_related("service").first()
    if run is not None:
        run[("default", slug)] = category
    return category


def sender_user(address: str, *, name: str = "") -> tuple[Any, bool]:
    """``accounts.email_only.user_for_email``; within a run, a sender already
    found earlier in the run is not read again (nor what their instance
    caches: their memberships, read by the filing and its mails). An
    account created by a message is remembered once that message's
    transaction commits: one whose filing is rolled back (quarantined) must
    not outlive it."""
    run = _run_addresses.get()
    users = None if run is None else run.setdefault("users", {})
    key = address.strip().lower()
    if users is not None and key in users:
        return users[key], False
    user, created = user_for_email(address, name=name)
    if users is not None:
        if created:
            transaction.on_commit(lambda: users.__setitem__(key, user))
        else:
            users[key] = user
    return user, created


def own_sender_addresses() -> set[str]:
    """The addresses Guichet itself sends from (``DEFAULT_FROM_EMAIL``, ``SERVER_EMAIL``)."""
    values = [settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL]
    return {address.strip().lower() for _name, address in getaddresses(values) if "@" in address}


def is_one_of_our_addresses(address: str) -> bool:
    """Mail *from* our sending address or a service address is ours come back
    (a loop, or a forgery of our own name): recorded, never filed nor answered."""
    address = (address or "").strip().lower()
    if not address:
        return False
    run = _run_addresses.get()
    own = own_sender_addresses() if run is None else run.get("own")
    if own is None:
        own = run["own"] = own_sender_addresses()  # parsed once per run, not once per message
    if address in own:
        return True
    every = _addresses_of_run()
    if every is not None:
        return address in every
    return InboundAddress.objects.filter(email=address).exists()
