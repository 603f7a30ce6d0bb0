"""One door per action on a ticket: the only writer of tickets and their history.

Every door checks the actor's right, runs the ``@transition`` of ``Ticket``
(the only writer of ``status``), saves with ``update_fields`` under
optimistic locking, writes the message and attachments when the action
carries text or files, appends one ``TicketEvent`` and sends
``tickets.signals.ticket_event_recorded`` — all in one transaction
(``_core.act``). Views, email ingestion, the scheduler and the admin call
these functions and nothing else; ``tickets/tests/test_architecture.py``
checks it.

Doors are keyword-only; the text the actor typed is always ``text=``.
A refused action raises ``ActionRefused`` (or its subclasses
``ActionForbidden`` / ``StaleTicket``) with a French message for the user,
and changes nothing. Pass ``expected_version`` (the ``Ticket.version`` the
user saw) to refuse an action on a ticket that changed since the page was
loaded.

The doors are grouped by who acts: ``filing``, ``service`` (agents,
managers, administrators), ``requester`` and ``scheduler`` (Guichet itself);
``lifecycle`` holds the agency's full cycle and its external provider tier.
"""

from tickets.exceptions import ActionForbidden, ActionRefused, StaleTicket
from tickets.workflow.anonymise import tickets_anonymise
from tickets.workflow.filing import ticket_file, ticket_file_follow_up
from tickets.workflow.lifecycle import (
    ticket_await_documentation,
    ticket_await_replacement,
    ticket_change_etat,
    ticket_complete,
    ticket_hand_to_provider,
    ticket_provider_answer,
    ticket_relaunch,
    ticket_send_back_to_provider,
    ticket_start_acceptance,
    ticket_start_development,
    ticket_take_back_from_provider,
    ticket_take_into_account,
    ticket_validate_provider_answer,
)
from tickets.workflow.requester import (
    ticket_add_information,
    ticket_answer,
    ticket_approve,
    ticket_refuse,
    ticket_withdraw,
)
from tickets.workflow.scheduler import ticket_add_system_note, ticket_expire, ticket_postpone_timer, ticket_remind
from tickets.workflow.service import (
    ticket_add_message,
    ticket_add_watcher,
    ticket_ask,
    ticket_assign,
    ticket_await_decision,
    ticket_await_development,
    ticket_exclude,
    ticket_mark_duplicate,
    ticket_propose,
    ticket_reject,
    ticket_requalify,
    ticket_resume,
    ticket_take,
    ticket_transfer,
)

__all__ = [
    "ActionForbidden",
    "ActionRefused",
    "StaleTicket",
    "ticket_add_information",
    "ticket_add_message",
    "ticket_add_system_note",
    "ticket_add_watcher",
    "ticket_answer",
    "ticket_approve",
    "ticket_ask",
    "ticket_assign",
    "ticket_await_decision",
    "ticket_await_development",
    "ticket_await_documentation",
    "ticket_await_replacement",
    "ticket_change_etat",
    "ticket_complete",
    "ticket_exclude",
    "ticket_expire",
    "ticket_file",
    "ticket_file_follow_up",
    "ticket_hand_to_provider",
    "ticket_mark_duplicate",
    "ticket_postpone_timer",
    "ticket_propose",
    "ticket_provider_answer",
    "ticket_refuse",
    "ticket_reject",
    "ticket_relaunch",
    "ticket_remind",
    "ticket_requalify",
    "ticket_resume",
    "ticket_send_back_to_provider",
    "ticket_start_acceptance",
    "ticket_start_development",
    "ticket_take",
    "ticket_take_back_from_provider",
    "ticket_take_into_account",
    "ticket_transfer",
    "ticket_validate_provider_answer",
    "ticket_withdraw",
    "tickets_anonymise",
]
