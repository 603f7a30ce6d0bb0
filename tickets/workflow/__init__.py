"""One door per action on a ticket.

Every function here checks the actor's right, runs the ``@transition`` of
``Ticket`` (the only writer of ``status``), saves with ``update_fields``
under optimistic locking, writes the message and attachments when the action
carries text or files, appends one ``TicketEvent`` and sends
``tickets.signals.ticket_event_recorded`` — all in one transaction. Views,
email ingestion, the scheduler and the admin call these functions and
nothing else.

A refused action raises ``ActionRefused`` (or its subclasses
``ActionForbidden`` / ``StaleTicket``) with a French message for the user,
and changes nothing. Pass ``expected_version`` (the ``Ticket.version`` the
user saw) to refuse an action on a ticket that changed since the page was
loaded.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, has_transition_perm

from catalogue.models import Category
from catalogue.selectors import visible_categories
from tickets import attachments as att
from tickets import permissions as perms
from tickets import timers
from tickets.actions import available_actions  # re-exported: views ask the workflow what is allowed
from tickets.exceptions import ActionForbidden, ActionRefused, StaleTicket
from tickets.models import (
    Attachment,
    Channel,
    EventAction,
    Message,
    MessageKind,
    PendingUpload,
    Ticket,
    TicketCounter,
    TicketEvent,
)
from tickets.priority import compute_priority
from tickets.signals import ticket_event_recorded
from tickets.status import CLOSED_STATES, OPEN_STATES, TicketStatus

FileInput = att.CheckedFile | PendingUpload

__all__ = [
    "ActionForbidden",
    "ActionRefused",
    "StaleTicket",
    "available_actions",
    "ticket_add_information",
    "ticket_add_message",
    "ticket_add_watcher",
    "ticket_answer",
    "ticket_approve",
    "ticket_ask",
    "ticket_assign",
    "ticket_await_decision",
    "ticket_await_development",
    "ticket_exclude",
    "ticket_expire",
    "ticket_file",
    "ticket_file_follow_up",
    "ticket_mark_duplicate",
    "ticket_propose",
    "ticket_refuse",
    "ticket_reject",
    "ticket_remind",
    "ticket_requalify",
    "ticket_resume",
    "ticket_take",
    "ticket_transfer",
    "ticket_withdraw",
]


# --- Helpers ------------------------------------------------------------------


def _required(text: str | None, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ActionRefused(message)
    return text


def _check_version(ticket: Ticket, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != ticket.version:
        raise StaleTicket()


def _check_transition(ticket: Ticket, name: str, actor: Any) -> None:
    method = getattr(ticket, name)
    meta = method._django_fsm
    if not meta.has_transition(ticket.status) or not meta.conditions_met(ticket, ticket.status):
        raise ActionRefused(
            _("Cette action n'est pas possible sur une demande « %(status)s ».")
            % {"status": ticket.get_status_display()}
        )
    if not has_transition_perm(method, actor):
        raise ActionForbidden(_("Vous n'avez pas le droit de faire cette action sur cette demande."))


def _check_open(ticket: Ticket) -> None:
    if ticket.status not in OPEN_STATES:
        raise ActionRefused(_("Cette demande est close : déposez une demande de suite."))


def _attach(ticket: Ticket, message: Message | None, actor: Any, files: Sequence[FileInput], stored: list[str]) -> None:
    """Store ``files`` on ``ticket`` (names of new storage files go to ``stored``
    so that the caller can delete them if the transaction rolls back)."""
    if not files:
        return
    existing = ticket.attachments.aggregate(count=Count("pk"), total=Sum("size"))
    try:
        att.check_limits(
            [f.size for f in files], existing_count=existing["count"], existing_total=existing["total"] or 0
        )
    except ValidationError as exc:
        raise ActionRefused(exc.messages[0]) from exc
    for item in files:
        if isinstance(item, PendingUpload):
            if actor is None or item.user_id != actor.pk:
                raise ActionForbidden(_("Ce fichier ne vous appartient pas."))
            name = item.file.name
            item.delete()
        else:
            name = att.store(item)
            stored.append(name)
        Attachment.objects.create(
            ticket=ticket,
            message=message,
            file=name,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            uploaded_by=actor,
        )


def _save(ticket: Ticket, fields: set[str], now: datetime.datetime) -> None:
    ticket.version += 1
    ticket.last_activity_at = now
    try:
        ticket.save(update_fields=sorted(fields | {"version", "last_activity_at", "updated"}))
    except ConcurrentTransition as exc:
        raise StaleTicket() from exc


def _record(
    ticket: Ticket,
    *,
    actor: Any,
    action: str,
    from_status: str,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    message: Message | None = None,
    now: datetime.datetime,
) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=ticket.status,
        changes=changes or {},
        reason=reason,
        message=message,
        created=now,
    )
    ticket_event_recorded.send(sender=Ticket, event=event)
    return event


def _act(
    *,
    ticket: Ticket,
    actor: Any,
    action: str,
    transition: str | None = None,
    expected_version: int | None = None,
    fields: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    message_kind: str | None = None,
    text: str = "",
    files: Sequence[FileInput] = (),
    sender_verified: bool = True,
) -> TicketEvent:
    """The common body of every action on an existing ticket."""
    _check_version(ticket, expected_version)
    if transition:
        _check_transition(ticket, transition, actor)
    stored: list[str] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            from_status = ticket.status
            to_save = set(fields or {})
            for name, value in (fields or {}).items():
                setattr(ticket, name, value)
            if transition:
                getattr(ticket, transition)()
                to_save |= {"status", *timers.on_status_change(ticket, now=now)}
                if ticket.status in CLOSED_STATES:
                    ticket.closed_at = now
                    to_save.add("closed_at")
            _save(ticket, to_save, now)
            message = None
            if message_kind:
                message = Message.objects.create(
                    ticket=ticket, kind=message_kind, author=actor, body=text, created=now,
                    sender_verified=sender_verified,
                )  # fmt: skip
            _attach(ticket, message, actor, files, stored)
            return _record(
                ticket, actor=actor, action=action, from_status=from_status, changes=changes, reason=reason,
                message=message, now=now,
            )  # fmt: skip
    except BaseException:
        ticket.refresh_from_db()
        for name in stored:
            default_storage.delete(name)
        raise


# --- Filing ---------------------------------------------------------------------


def ticket_file(
    *,
    requester: Any,
    category: Category,
    title: str,
    description: str,
    actor: Any = None,
    form_values: dict[str, Any] | None = None,
    impact: int | None = None,
    urgency: int | None = None,
    is_blocking: bool | None = None,
    domain: str = "",
    installed_version: str = "",
    internal_number: str = "",
    files: Sequence[FileInput] = (),
    channel: str = Channel.WEB,
    follow_up_of: Ticket | None = None,
) -> Ticket:
    """File a new ticket (status NEW) for ``requester`` in a leaf ``category``.

    ``actor`` is who did it (the requester when not given: web form and
    email alike). Values are expected to be validated already (by the form
    or by email ingestion); this function refuses what breaks the domain.
    ``files`` are ``CheckedFile`` (from ``tickets.attachments.check_upload``)
    or the actor's ``PendingUpload`` rows.
    """
    actor = requester if actor is None else actor
    if not category.accepts_tickets:
        raise ActionRefused(_("Cette catégorie ne reçoit pas de demandes."))
    if visible_categories(user=requester).get(category.slug) is None:  # the catalogue's audience rule
        raise ActionForbidden(_("Cette catégorie n'est pas proposée à votre profil ou à votre établissement."))
    title = _required(title, _("Le titre est obligatoire."))
    description = _required(description, _("La description est obligatoire."))
    if domain and category.domains and domain not in category.domains:
        raise ActionRefused(_("Ce domaine n'existe pas pour cette catégorie."))
    priority = compute_priority(
        scheme=category.priority_scheme, impact=impact, urgency=urgency, is_blocking=is_blocking
    )
    stored: list[str] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            ticket = Ticket.objects.create(
                reference=TicketCounter.next_reference(),
                title=title[:200],
                description=description,
                category=category,
                service_id=category.service_id,
                requester=requester,
                institution=requester.institution,
                priority=priority,
                impact=impact,
                urgency=urgency,
                is_blocking=is_blocking,
                domain=domain,
                software_id=category.software_id,
                installed_version=installed_version if category.software_id else "",
                internal_number=internal_number,
                form_values=form_values or {},
                channel=channel,
                follow_up_of=follow_up_of,
                created=now,
                last_activity_at=now,
            )
            _attach(ticket, None, actor, files, stored)
            changes = {"follow_up_of": follow_up_of.reference} if follow_up_of else None
            _record(ticket, actor=actor, action=EventAction.FILE, from_status="", changes=changes, now=now)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return ticket


def ticket_file_follow_up(
    *,
    ticket: Ticket,
    actor: Any,
    title: str,
    description: str,
    files: Sequence[FileInput] = (),
    channel: str = Channel.WEB,
) -> Ticket:
    """A closed ticket is never reopened: file a new one linked to it, in the same category."""
    if not perms.is_requester_side(ticket, actor):
        raise ActionForbidden(_("Vous n'avez pas le droit de faire cette action sur cette demande."))
    if ticket.status not in CLOSED_STATES:
        raise ActionRefused(_("Cette demande est encore ouverte : ajoutez-y plutôt une information."))
    return ticket_file(
        requester=actor,
        category=ticket.category,
        title=title,
        description=description,
        impact=ticket.impact,
        urgency=ticket.urgency,
        is_blocking=ticket.is_blocking,
        domain=ticket.domain,
        installed_version=ticket.installed_version,
        internal_number=ticket.internal_number,
        files=files,
        channel=channel,
        follow_up_of=ticket,
    )


# --- Agent actions ----------------------------------------------------------------


def ticket_take(*, ticket: Ticket, actor: Any, expected_version: int | None = None) -> TicketEvent:
    """NEW → ECT, assigned to the agent who takes it."""
    return _act(
        ticket=ticket, actor=actor, action=EventAction.TAKE, transition="take", expected_version=expected_version,
        fields={"assignee": actor}, changes={"assignee": [_name(ticket.assignee), _name(actor)]},
    )  # fmt: skip


def ticket_assign(*, ticket: Ticket, actor: Any, assignee: Any, expected_version: int | None = None) -> TicketEvent:
    """Give the ticket to ``assignee`` (managers: anyone of the service; agents: themselves).

    On a NEW ticket this is the NEW → ECT transition; on another open ticket
    only the assignee changes.
    """
    if not perms.may_assign(ticket, actor, assignee):
        raise ActionForbidden(_("Seul un responsable du service peut confier une demande à un collègue."))
    if not perms.is_assignable(ticket, assignee):
        raise ActionRefused(_("Cette personne ne fait pas partie du service en charge de la demande."))
    _check_open(ticket)
    return _act(
        ticket=ticket, actor=actor, action=EventAction.ASSIGN, expected_version=expected_version,
        transition="assign" if ticket.status == TicketStatus.NEW else None,
        fields={"assignee": assignee}, changes={"assignee": [_name(ticket.assignee), _name(assignee)]},
    )  # fmt: skip


def ticket_reject(*, ticket: Ticket, actor: Any, reason: str, expected_version: int | None = None) -> TicketEvent:
    reason = _required(reason, _("Indiquez le motif du rejet."))
    return _act(
        ticket=ticket, actor=actor, action=EventAction.REJECT, transition="reject",
        expected_version=expected_version, reason=reason,
    )  # fmt: skip


def ticket_ask(
    *, ticket: Ticket, actor: Any, question: str, files: Sequence[FileInput] = (), expected_version: int | None = None
) -> TicketEvent:
    """ECT → ARS: the requester timer starts."""
    question = _required(question, _("Écrivez la question à poser au demandeur."))
    return _act(
        ticket=ticket, actor=actor, action=EventAction.ASK, transition="ask", expected_version=expected_version,
        message_kind=MessageKind.QUESTION, text=question, files=files,
    )  # fmt: skip


def ticket_propose(
    *, ticket: Ticket, actor: Any, answer: str, files: Sequence[FileInput] = (), expected_version: int | None = None
) -> TicketEvent:
    """ECT → AVS: the requester must validate or refuse; the timer starts."""
    answer = _required(answer, _("Écrivez la réponse proposée."))
    return _act(
        ticket=ticket, actor=actor, action=EventAction.PROPOSE, transition="propose",
        expected_version=expected_version, message_kind=MessageKind.PROPOSED_ANSWER, text=answer, files=files,
    )  # fmt: skip


def ticket_await_decision(
    *, ticket: Ticket, actor: Any, comment: str = "", expected_version: int | None = None
) -> TicketEvent:
    return _await(ticket, actor, "await_decision", EventAction.AWAIT_DECISION, comment, expected_version)


def ticket_await_development(
    *, ticket: Ticket, actor: Any, comment: str = "", expected_version: int | None = None
) -> TicketEvent:
    return _await(ticket, actor, "await_development", EventAction.AWAIT_DEVELOPMENT, comment, expected_version)


def _await(ticket: Ticket, actor: Any, transition: str, action: str, comment: str, expected_version: int | None):
    comment = (comment or "").strip()
    return _act(
        ticket=ticket, actor=actor, action=action, transition=transition, expected_version=expected_version,
        message_kind=MessageKind.PUBLIC_REPLY if comment else None, text=comment,
    )  # fmt: skip


def ticket_resume(*, ticket: Ticket, actor: Any, expected_version: int | None = None) -> TicketEvent:
    return _act(
        ticket=ticket, actor=actor, action=EventAction.RESUME, transition="resume", expected_version=expected_version
    )


def ticket_exclude(*, ticket: Ticket, actor: Any, reason: str, expected_version: int | None = None) -> TicketEvent:
    """ATD → REJ: the decision excluded the request."""
    reason = _required(reason, _("Indiquez le motif de l'exclusion."))
    return _act(
        ticket=ticket, actor=actor, action=EventAction.EXCLUDE, transition="exclude",
        expected_version=expected_version, reason=reason,
    )  # fmt: skip


def ticket_add_message(
    *,
    ticket: Ticket,
    actor: Any,
    kind: str,
    body: str,
    files: Sequence[FileInput] = (),
    expected_version: int | None = None,
) -> TicketEvent:
    """A public reply or an internal note by the handling service; the status does not change."""
    if kind not in (MessageKind.PUBLIC_REPLY, MessageKind.INTERNAL_NOTE):
        raise ValueError(f"ticket_add_message takes a reply or an internal note, not {kind!r}")
    if not perms.is_service_staff(ticket, actor):
        raise ActionForbidden(_("Seul le service en charge peut répondre ou ajouter une note interne."))
    _check_open(ticket)
    body = _required(body, _("Le message est vide."))
    action = EventAction.INTERNAL_NOTE if kind == MessageKind.INTERNAL_NOTE else EventAction.REPLY
    return _act(
        ticket=ticket, actor=actor, action=action, expected_version=expected_version, message_kind=kind, text=body,
        files=files,
    )  # fmt: skip


def ticket_requalify(
    *,
    ticket: Ticket,
    actor: Any,
    reason: str = "",
    impact: int | None = None,
    urgency: int | None = None,
    is_blocking: bool | None = None,
    priority: int | None = None,
    domain: str | None = None,
    category: Category | None = None,
    expected_version: int | None = None,
) -> TicketEvent:
    """Change priority (or its inputs), domain or category; the history tells the requester what and why.

    A new category may move the ticket to another service (a transfer): the
    assignee is then cleared, since they do not work there.
    """
    if not perms.is_service_staff(ticket, actor):
        raise ActionForbidden(_("Seul le service en charge peut requalifier une demande."))
    _check_open(ticket)
    target = category or ticket.category
    if category is not None and not category.accepts_tickets:
        raise ActionRefused(_("Cette catégorie ne reçoit pas de demandes."))
    new: dict[str, Any] = {}
    if category is not None and category.pk != ticket.category_id:
        new["category"] = category
        if category.service_id != ticket.service_id:
            new["service_id"] = category.service_id
            new["assignee"] = None
    for name, value in (("impact", impact), ("urgency", urgency), ("is_blocking", is_blocking)):
        if value is not None and value != getattr(ticket, name):
            new[name] = value
    if domain is not None and domain != ticket.domain:
        if domain and target.domains and domain not in target.domains:
            raise ActionRefused(_("Ce domaine n'existe pas pour cette catégorie."))
        new["domain"] = domain
    if priority is None and ({"impact", "urgency", "is_blocking"} & set(new)):
        priority = compute_priority(
            scheme=target.priority_scheme,
            impact=new.get("impact", ticket.impact),
            urgency=new.get("urgency", ticket.urgency),
            is_blocking=new.get("is_blocking", ticket.is_blocking),
        )
    if priority is not None and priority != ticket.priority:
        if priority not in range(1, 6):
            raise ActionRefused(_("La priorité va de 1 à 5."))
        new["priority"] = priority
    if not new:
        raise ActionRefused(_("Rien n'a été modifié."))
    changes = {name.removesuffix("_id"): [_json(getattr(ticket, name)), _json(value)] for name, value in new.items()}
    if "service_id" in new:  # names, not ids: the history is read by people
        changes["service"] = [str(ticket.service), str(category.service)]
    return _act(
        ticket=ticket, actor=actor, action=EventAction.REQUALIFY, expected_version=expected_version,
        fields=new, changes=changes, reason=(reason or "").strip(),
    )  # fmt: skip


# --- Requester actions ------------------------------------------------------------


def ticket_answer(
    *, ticket: Ticket, actor: Any, text: str, files: Sequence[FileInput] = (), expected_version: int | None = None
) -> TicketEvent:
    """ARS → ECT: the requester (or a correspondent) answers the question."""
    text = _required(text, _("Écrivez votre réponse."))
    return _act(
        ticket=ticket, actor=actor, action=EventAction.ANSWER, transition="answer",
        expected_version=expected_version, message_kind=MessageKind.REQUESTER_INFO, text=text, files=files,
    )  # fmt: skip


def ticket_approve(
    *, ticket: Ticket, actor: Any, comment: str = "", expected_version: int | None = None
) -> TicketEvent:
    """AVS → TER: the answer is validated (and may be published to the knowledge base)."""
    comment = (comment or "").strip()
    return _act(
        ticket=ticket, actor=actor, action=EventAction.APPROVE, transition="approve",
        expected_version=expected_version, message_kind=MessageKind.REQUESTER_INFO if comment else None,
        text=comment,
    )  # fmt: skip


def ticket_refuse(
    *, ticket: Ticket, actor: Any, reason: str, files: Sequence[FileInput] = (), expected_version: int | None = None
) -> TicketEvent:
    """AVS → ECT: the answer does not solve the problem; the reason is required."""
    reason = _required(reason, _("Expliquez pourquoi la réponse ne vous convient pas."))
    return _act(
        ticket=ticket, actor=actor, action=EventAction.REFUSE, transition="refuse",
        expected_version=expected_version, reason=reason, message_kind=MessageKind.REQUESTER_INFO, text=reason,
        files=files,
    )  # fmt: skip


def ticket_withdraw(*, ticket: Ticket, actor: Any, reason: str, expected_version: int | None = None) -> TicketEvent:
    """NEW, ECT, ARS → ABN: the requester gives up; the reason is required."""
    reason = _required(reason, _("Indiquez pourquoi vous abandonnez la demande."))
    return _act(
        ticket=ticket, actor=actor, action=EventAction.WITHDRAW, transition="withdraw",
        expected_version=expected_version, reason=reason,
    )  # fmt: skip


def ticket_add_information(
    *,
    ticket: Ticket,
    actor: Any,
    text: str,
    files: Sequence[FileInput] = (),
    expected_version: int | None = None,
    sender_verified: bool = True,
) -> TicketEvent:
    """Anyone who sees an open ticket may add a dated piece of information; the status does not change.

    ``sender_verified=False``: a mail in ``actor``'s name whose sender could not
    be authenticated (``tickets.inbound.authentication``); the message is flagged."""
    if actor is None or not Ticket.objects.visible_to(actor).filter(pk=ticket.pk).exists():
        raise ActionForbidden(_("Vous n'avez pas le droit de faire cette action sur cette demande."))
    _check_open(ticket)
    text = _required(text, _("Le message est vide."))
    staff_only = perms.is_service_staff(ticket, actor) and not perms.is_requester_side(ticket, actor)
    kind = MessageKind.PUBLIC_REPLY if staff_only else MessageKind.REQUESTER_INFO
    return _act(
        ticket=ticket, actor=actor, action=EventAction.ADD_INFORMATION, expected_version=expected_version,
        message_kind=kind, text=text, files=files, sender_verified=sender_verified,
    )  # fmt: skip


# --- Scheduler actions ------------------------------------------------------------


def ticket_remind(*, ticket: Ticket) -> TicketEvent:
    """Record that the requester was reminded (the notification outbox sends the mail)."""
    if ticket.status not in (TicketStatus.ARS, TicketStatus.AVS) or ticket.reminded_at is not None:
        raise ActionRefused(_("Cette demande n'attend pas de relance."))
    if ticket.remind_at is None or ticket.remind_at > timezone.now():
        raise ActionRefused(_("La relance n'est pas encore due."))
    now = timezone.now()
    fields = {"reminded_at": now, **timers.after_reminder(ticket, now)}  # a late reminder delays the closure
    return _act(ticket=ticket, actor=None, action=EventAction.REMIND, fields=fields)


def ticket_expire(*, ticket: Ticket) -> TicketEvent:
    """The requester did not act in time: ARS → ABN, AVS → TER, both marked as closed automatically."""
    transition = {TicketStatus.ARS: "expire_unanswered", TicketStatus.AVS: "expire_unvalidated"}.get(ticket.status)
    if transition is None:
        raise ActionRefused(_("Cette demande n'attend rien du demandeur."))
    return _act(
        ticket=ticket, actor=None, action=EventAction.EXPIRE, transition=transition,
        fields={"closed_automatically": True},
    )  # fmt: skip


def _name(user: Any) -> str | None:
    return (user.get_full_name() or user.email) if user is not None else None


def _json(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "get_full_name"):
        return _name(value)
    return str(value)


# The agent workspace's doors live in their own module of this package; they
# use the helpers above, so they are imported last.
from tickets.workflow.agent import ticket_add_watcher, ticket_mark_duplicate, ticket_transfer  # noqa: E402
