"""Capitalisation: a requester's approval turns the ticket into a knowledge-base article.

Connected in ``KnowledgeConfig.ready`` to ``tickets.signals.ticket_event_recorded``,
which is sent inside the workflow action's transaction: the article is
created (or not) together with the approval. Only the APPROVE action counts —
the automatic closure of an unvalidated answer (``ticket_expire``, same
AVS → TER move), rejections, withdrawals and exclusions never produce an
article.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import transaction

from accounts.models import User
from catalogue.models import FieldKind
from knowledge.capitalise import article_from_answer
from knowledge.models import Article
from tickets.models import EventAction, MessageKind
from tickets.status import TicketStatus

logger = logging.getLogger(__name__)

# "ORA-01555", "SIFAC-E042", "HTTP-500": letters, a dash, digits.
CODE_RE = re.compile(r"\b[A-Z][A-Z0-9]{1,9}-\d{2,6}\b")
_NOT_PERSONAL = {FieldKind.CHOICE, FieldKind.MULTICHOICE}
_KIND_OF_FIELD = {FieldKind.EMAIL: "email", FieldKind.PHONE: "phone"}


def on_ticket_event(sender: Any, event: Any, **kwargs: Any) -> None:
    if event.action != EventAction.APPROVE or event.to_status != TicketStatus.TER:
        return
    try:
        with transaction.atomic():  # a savepoint: a failure here never undoes the approval
            capitalise_ticket(ticket=event.ticket, approved_by=event.actor)
    except Exception:
        logger.exception("Capitalisation of ticket #%s failed", event.ticket.reference)


def capitalise_ticket(*, ticket: Any, approved_by: Any = None) -> Article | None:
    """Create the article of an approved ticket, as its category's policy says (or None)."""
    answer = ticket.messages.filter(kind=MessageKind.PROPOSED_ANSWER).select_related("author").last()
    if answer is None or ticket.category is None:
        return None
    return article_from_answer(
        title=ticket.title,
        problem=ticket.description,
        solution=answer.body,
        category=ticket.category,
        domain=ticket.domain,
        software=ticket.software,
        version=ticket.installed_version,
        codes=_codes(ticket.title, ticket.description, answer.body),
        names=_people_names(ticket, approved_by),
        personal_values=_personal_values(ticket),
        source_ticket_reference=ticket.reference,
        author=answer.author,
    )


def _codes(*texts: str) -> list[str]:
    return [code for text in texts for code in CODE_RE.findall(text or "")]


def _people(ticket: Any, approved_by: Any) -> list[Any]:
    """Everyone who took part: requester, approver, assignee, watchers, authors and actors."""
    ids = {ticket.requester_id, ticket.assignee_id, getattr(approved_by, "pk", None)}
    ids |= set(ticket.messages.values_list("author_id", flat=True))
    ids |= set(ticket.events.values_list("actor_id", flat=True))
    ids |= set(ticket.watchers.values_list("user_id", flat=True))
    ids.discard(None)
    return list(User.objects.filter(pk__in=ids).only("first_name", "last_name", "email", "student_number"))


def _people_names(ticket: Any, approved_by: Any) -> list[tuple[str, str]]:
    return [(person.first_name, person.last_name) for person in _people(ticket, approved_by)]


def _personal_values(ticket: Any) -> list[tuple[str, str]]:
    """The requester's own identifiers and the free values typed in the category's form."""
    values: list[tuple[str, str]] = [("email", ticket.requester.email)]
    if ticket.requester.student_number:
        values.append(("student_number", ticket.requester.student_number))
    kinds = {spec.key: spec for spec in ticket.category.form_fields.all()}
    for key, value in (ticket.form_values or {}).items():
        spec = kinds.get(key)
        # A choice is the category's own wording, unless the admin marked the field personal.
        if spec is not None and spec.kind in _NOT_PERSONAL and not spec.is_personal:
            continue
        kind = _KIND_OF_FIELD.get(spec.kind, "personal") if spec is not None else "personal"
        if spec is not None and kind == "personal" and "adresse" in spec.label.lower():
            kind = "address"
        for item in value if isinstance(value, list) else [value]:
            if item not in (None, "", True, False):
                values.append((kind, str(item)))
    return values


def on_article_change(sender: type, instance: Article, **kwargs: Any) -> None:
    """Any saved or deleted article may add or drop a domain of the search form's list."""
    from knowledge.selectors import forget_domain_choices

    forget_domain_choices()
