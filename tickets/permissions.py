"""Who may act on a ticket: the one place for these rules.

The ``@transition`` methods of ``Ticket`` name these functions as their
``permission=``, ``tickets.workflow`` checks them before every action, and
``tickets.actions.available_actions`` uses them to show only the buttons a
user may press. Every function takes ``(ticket, user)`` in that order (the
order django-fsm calls permissions with); ``user`` is ``None`` for the
scheduler and for machine actions.

Seeing a ticket is a different question, answered by
``Ticket.objects.visible_to(user)`` alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accounts.roles import is_active_user as _authenticated
from accounts.roles import is_admin

if TYPE_CHECKING:
    from tickets.models import Ticket


def is_service_staff(ticket: Ticket, user: Any) -> bool:
    """An agent or manager of the service handling the ticket, or an administrator."""
    if not _authenticated(user):
        return False
    return is_admin(user) or ticket.service_id in user.service_ids


def is_service_manager(ticket: Ticket, user: Any) -> bool:
    if not _authenticated(user):
        return False
    return is_admin(user) or ticket.service_id in user.managed_service_ids


def is_requester(ticket: Ticket, user: Any) -> bool:
    """The ticket's requester alone (withdrawing is theirs only, DESIGN.md's workflow table)."""
    return _authenticated(user) and ticket.requester_id == user.pk


def is_acting_correspondent(ticket: Ticket, user: Any) -> bool:
    """A correspondent of the ticket's institution, on a catalogue branch open to
    correspondents (the agency's DA branches): there a colleague follows a ticket
    while its author is away (seed 002; the history records who). On the
    institution's own services a correspondent is an ordinary requester.
    ``Ticket.objects.visible_to`` applies the same rule to querysets."""
    if not _authenticated(user) or ticket.institution_id is None:
        return False
    return ticket.institution_id in user.correspondent_institution_ids and ticket.category.is_open_to_correspondents


def is_requester_side(ticket: Ticket, user: Any) -> bool:
    """Who answers, approves and refuses for the requester: the requester, or an acting correspondent."""
    return is_requester(ticket, user) or is_acting_correspondent(ticket, user)


def may_assign(ticket: Ticket, user: Any, assignee: Any = None) -> bool:
    """Managers assign to anyone of the service; agents only to themselves."""
    if not is_service_staff(ticket, user):
        return False
    if assignee is None or is_service_manager(ticket, user):
        return True
    return assignee.pk == user.pk


def is_assignable(ticket: Ticket, assignee: Any) -> bool:
    """Only a member of the handling service (or an administrator) can hold a ticket."""
    return _authenticated(assignee) and (is_admin(assignee) or ticket.service_id in assignee.service_ids)


def is_scheduler(ticket: Ticket, user: Any) -> bool:
    """Timer actions are fired by the scheduler only, never by a person."""
    return user is None


def is_provider_member(ticket: Ticket, user: Any) -> bool:
    """A member of the external provider the ticket is handed to (état EXT)."""
    if not _authenticated(user) or ticket.provider_id is None:
        return False
    return ticket.provider_id in user.provider_ids


def is_provider_only(ticket: Ticket, user: Any) -> bool:
    """Sees the ticket only as the provider's member: their words reach the institution through
    the agency's validation alone (``provider_answer``), never as a direct message."""
    return (
        is_provider_member(ticket, user)
        and not is_service_staff(ticket, user)
        and not is_requester_side(ticket, user)
        and not ticket.watchers.filter(user=user).exists()
    )
