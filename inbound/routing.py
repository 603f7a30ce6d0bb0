"""Which category a new ticket by email goes to, and who sent it."""

from __future__ import annotations

from email.utils import getaddresses

from django.conf import settings

from catalogue.models import Category, InboundAddress

from .parse import ParsedMessage


def recipients(parsed: ParsedMessage) -> list[str]:
    """Our candidate addresses, the envelope first (Delivered-To is where the
    MTA actually delivered; To/Cc may list other people's addresses too)."""
    return list(dict.fromkeys(parsed.delivered_to + parsed.to + parsed.cc))


def route(parsed: ParsedMessage) -> Category | None:
    """The leaf category of the first recipient address a category claims,
    else ``GUICHET_INBOUND_DEFAULT_CATEGORY``; None when neither accepts tickets."""
    addresses = recipients(parsed)
    if addresses:
        found = {
            a.email: a.category for a in InboundAddress.objects.filter(email__in=addresses).select_related("category")
        }
        for address in addresses:
            category = found.get(address)
            if category is not None and category.accepts_tickets:
                return category
    slug = settings.GUICHET_INBOUND_DEFAULT_CATEGORY
    if slug:
        category = Category.objects.filter(slug=slug).first()
        if category is not None and category.accepts_tickets:
            return category
    return None


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
    return address in own_sender_addresses() or InboundAddress.objects.filter(email=address).exists()
