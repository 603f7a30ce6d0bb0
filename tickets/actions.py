"""What a user may do on a ticket now: the buttons a page shows.

Built on the transitions' own guards and ``tickets.permissions``, so the page
never offers what ``tickets.workflow`` would refuse.
"""

from __future__ import annotations

from typing import Any

from django_fsm import has_transition_perm

from tickets import permissions as perms
from tickets.models import Ticket
from tickets.status import OPEN_STATES

# Action name (as used by views and templates) -> transition method on Ticket.
TRANSITION_ACTIONS = {
    "take": "take",
    "reject": "reject",
    "ask": "ask",
    "answer": "answer",
    "propose": "propose",
    "approve": "approve",
    "refuse": "refuse",
    "await_decision": "await_decision",
    "await_development": "await_development",
    "resume": "resume",
    "exclude": "exclude",
    "withdraw": "withdraw",
}


def available_actions(ticket: Ticket, user: Any) -> frozenset[str]:
    """The actions ``user`` may do on ``ticket`` now (for showing only the allowed buttons).

    The caller has already found the ticket through ``visible_to(user)``.
    """
    if user is None or not user.is_authenticated:
        return frozenset()
    names = {name for name, method in TRANSITION_ACTIONS.items() if has_transition_perm(getattr(ticket, method), user)}
    if ticket.status in OPEN_STATES:
        names.add("add_information")
        if perms.is_service_staff(ticket, user):
            names |= {"reply", "internal_note", "requalify", "assign"}
    elif perms.is_requester_side(ticket, user):
        names.add("follow_up")
    return frozenset(names)
