"""The acknowledgement of receipt of a legal e-request (saisine par voie
électronique, décret n° 2015-1404 du 5 novembre 2015, art. R. 112-11-1 ff.
of the Code des relations entre le public et l'administration).

It must state: the date of receipt, the service in charge with its postal
address, email and phone number, the processing delay and what a silence
of the administration means at its end (implicit acceptance or rejection),
and that the delay runs from this acknowledgement. The same facts feed the
email and the printable page (``tickets/sve_acknowledgement.html``).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from helpdesk.mail import absolute_url
from tickets.models import Ticket


def facts(ticket: Ticket) -> dict[str, Any]:
    """Everything the acknowledgement states, for a template (email or page)."""
    service = ticket.service
    category = ticket.category
    return {
        "ticket": ticket,
        "received_at": ticket.created,
        "service": service,
        "service_name": service.name,
        "postal_address": service.postal_address,
        "service_email": service.email,
        "service_phone": service.phone,
        "processing_delay": category.sve_processing_delay,
        "implicit_decision": category.sve_implicit_decision,
        "category_name": category.name,
    }


def mail_content(ticket: Ticket, requester: Any) -> dict[str, Any]:
    """The context of ``email/tickets/sve_acknowledgement`` (called in the recipient's language)."""
    return {
        "subject": _("Accusé de réception de votre demande"),
        **facts(ticket),
        "printable_url": absolute_url(reverse("tickets:sve_acknowledgement", args=[ticket.reference])),
    }
