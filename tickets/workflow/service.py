"""Service-side doors: what the agents, managers and administrators of the handling service do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from catalogue.models import Category
from tickets import permissions as perms
from tickets.exceptions import ActionForbidden, ActionRefused
from tickets.models import Attachment, EventAction, MessageKind, Ticket, TicketEvent, Watcher
from tickets.models.lifecycle import on_agency_lifecycle
from tickets.priority import compute_priority
from tickets.status import OPEN_STATES, TicketStatus
from tickets.workflow._core import FileInput, act, check_open, json_value, name_of, required


def ticket_take(*, ticket: Ticket, actor: Any, expected_version: int | None = None) -> TicketEvent:
    """NEW → ECT, assigned to the agent who takes it."""
    return act(
        ticket=ticket, actor=actor, action=EventAction.TAKE, transition="take", expected_version=expected_version,
        fields={"assignee": actor}, changes={"assignee": [name_of(ticket.assignee), name_of(actor)]},
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
    check_open(ticket)
    return act(
        ticket=ticket, actor=actor, action=EventAction.ASSIGN, expected_version=expected_version,
        transition="assign" if ticket.status == TicketStatus.NEW else None,
        fields={"assignee": assignee}, changes={"assignee": [name_of(ticket.assignee), name_of(assignee)]},
    )  # fmt: skip


def ticket_reject(*, ticket: Ticket, actor: Any, text: str, expected_version: int | None = None) -> TicketEvent:
    """NEW, ECT → REJ; ``text`` is the reason shown to the requester."""
    text = required(text, _("Indiquez le motif du rejet."))
    return act(
        ticket=ticket, actor=actor, action=EventAction.REJECT, transition="reject",
        expected_version=expected_version, reason=text,
    )  # fmt: skip


def ticket_ask(
    *, ticket: Ticket, actor: Any, text: str, files: Sequence[FileInput] = (), expected_version: int | None = None
) -> TicketEvent:
    """ECT → ARS: the requester timer starts."""
    text = required(text, _("Écrivez la question à poser au demandeur."))
    return act(
        ticket=ticket, actor=actor, action=EventAction.ASK, transition="ask", expected_version=expected_version,
        message_kind=MessageKind.QUESTION, text=text, files=files,
    )  # fmt: skip


def ticket_propose(
    *, ticket: Ticket, actor: Any, text: str, files: Sequence[FileInput] = (), expected_version: int | None = None
) -> TicketEvent:
    """ECT → AVS: the requester must validate or refuse; the timer starts."""
    text = required(text, _("Écrivez la réponse proposée."))
    return act(
        ticket=ticket, actor=actor, action=EventAction.PROPOSE, transition="propose",
        expected_version=expected_version, message_kind=MessageKind.PROPOSED_ANSWER, text=text, files=files,
    )  # fmt: skip


def ticket_await_decision(
    *, ticket: Ticket, actor: Any, text: str = "", expected_version: int | None = None
) -> TicketEvent:
    return _await(ticket, actor, "await_decision", EventAction.AWAIT_DECISION, text, expected_version)


def ticket_await_development(
    *, ticket: Ticket, actor: Any, text: str = "", expected_version: int | None = None
) -> TicketEvent:
    return _await(ticket, actor, "await_development", EventAction.AWAIT_DEVELOPMENT, text, expected_version)


def _await(ticket: Ticket, actor: Any, transition: str, action: str, text: str, expected_version: int | None):
    text = (text or "").strip()
    return act(
        ticket=ticket, actor=actor, action=action, transition=transition, expected_version=expected_version,
        message_kind=MessageKind.PUBLIC_REPLY if text else None, text=text,
    )  # fmt: skip


def ticket_resume(*, ticket: Ticket, actor: Any, expected_version: int | None = None) -> TicketEvent:
    return act(
        ticket=ticket, actor=actor, action=EventAction.RESUME, transition="resume", expected_version=expected_version
    )


def ticket_exclude(*, ticket: Ticket, actor: Any, text: str, expected_version: int | None = None) -> TicketEvent:
    """ATD → REJ: the decision excluded the request. On the agency's branches (seed 002) the
    excluded DA goes to EXC instead, from ATD and every status of the development cycle."""
    text = required(text, _("Indiquez le motif de l'exclusion."))
    cycle = on_agency_lifecycle(ticket)
    return act(
        ticket=ticket, actor=actor, action=EventAction.EXCLUDE_FROM_CYCLE if cycle else EventAction.EXCLUDE,
        transition="exclude_from_cycle" if cycle else "exclude", expected_version=expected_version, reason=text,
    )  # fmt: skip


def ticket_add_message(
    *,
    ticket: Ticket,
    actor: Any,
    kind: str,
    text: str,
    files: Sequence[FileInput] = (),
    expected_version: int | None = None,
) -> TicketEvent:
    """A public reply or an internal note by the handling service; the status does not change."""
    if kind not in (MessageKind.PUBLIC_REPLY, MessageKind.INTERNAL_NOTE):
        raise ValueError(f"ticket_add_message takes a reply or an internal note, not {kind!r}")
    if not perms.is_service_staff(ticket, actor):
        raise ActionForbidden(_("Seul le service en charge peut répondre ou ajouter une note interne."))
    check_open(ticket)
    text = required(text, _("Le message est vide."))
    action = EventAction.INTERNAL_NOTE if kind == MessageKind.INTERNAL_NOTE else EventAction.REPLY
    return act(
        ticket=ticket, actor=actor, action=action, expected_version=expected_version, message_kind=kind, text=text,
        files=files,
    )  # fmt: skip


def ticket_requalify(
    *,
    ticket: Ticket,
    actor: Any,
    text: str = "",
    impact: int | None = None,
    urgency: int | None = None,
    is_blocking: bool | None = None,
    priority: int | None = None,
    domain: str | None = None,
    category: Category | None = None,
    expected_version: int | None = None,
) -> TicketEvent:
    """Change priority (or its inputs), domain or category; the history tells the requester what and why
    (``text``, the reason).

    A new category may move the ticket to another service (a transfer): the
    assignee is then cleared, since they do not work there.
    """
    if not perms.is_service_staff(ticket, actor):
        raise ActionForbidden(_("Seul le service en charge peut requalifier une demande."))
    check_open(ticket)
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
    changes = {
        name.removesuffix("_id"): [json_value(getattr(ticket, name)), json_value(value)] for name, value in new.items()
    }
    if "service_id" in new:  # names, not ids: the history is read by people
        changes["service"] = [str(ticket.service), str(category.service)]
    return act(
        ticket=ticket, actor=actor, action=EventAction.REQUALIFY, expected_version=expected_version,
        fields=new, changes=changes, reason=(text or "").strip(),
    )  # fmt: skip


def ticket_transfer(
    *, ticket: Ticket, actor: Any, category: Category, text: str = "", expected_version: int | None = None
) -> TicketEvent:
    """Move the ticket to a category of another service (a requalification of its category).

    The assignee is cleared by ``ticket_requalify`` since they do not work
    in the new service; the history tells the requester where and why.
    """
    if category.service_id == ticket.service_id:
        raise ActionRefused(_("Cette catégorie est traitée par le même service : requalifiez la catégorie."))
    return ticket_requalify(ticket=ticket, actor=actor, category=category, text=text, expected_version=expected_version)


def ticket_mark_duplicate(
    *, ticket: Ticket, actor: Any, original: Ticket, text: str = "", expected_version: int | None = None
) -> TicketEvent:
    """Close ``ticket`` (→ REJ) as a duplicate of ``original``: the link is kept,
    its requester, watchers and attachments are carried over to the original.

    Both tickets must be handled by a service of ``actor``; the original must
    be open and not itself a duplicate. Returns the duplicate's event.
    """
    if original.pk == ticket.pk:
        raise ActionRefused(_("Une demande ne peut pas être le doublon d'elle-même."))
    if not perms.is_service_staff(original, actor):
        raise ActionForbidden(_("La demande d'origine n'est pas traitée par votre service."))
    if original.status not in OPEN_STATES:
        raise ActionRefused(_("La demande d'origine est close : rattachez le doublon à une demande ouverte."))
    if original.duplicate_of_id is not None:
        raise ActionRefused(_("La demande d'origine est elle-même un doublon."))
    text = (text or "").strip() or _("Doublon de la demande #%(ref)s.") % {"ref": original.reference}
    try:
        with transaction.atomic():
            event = act(
                ticket=ticket, actor=actor, action=EventAction.DUPLICATE, transition="mark_duplicate",
                expected_version=expected_version, fields={"duplicate_of": original},
                changes={"duplicate_of": [None, original.reference]}, reason=text,
            )  # fmt: skip
            _carry_over(ticket, original, actor)
    except BaseException:
        ticket.refresh_from_db()  # the duplicate's own change was rolled back with the original's
        raise
    return event


def _carry_over(duplicate: Ticket, original: Ticket, actor: Any) -> TicketEvent:
    """Watchers (and the duplicate's requester) follow the original; attachments are copied
    (same stored file, new rows: the duplicate keeps its own). Internal stays internal:
    the attachments of internal notes go onto one internal note of the original, the
    MERGE event's message. Returns the original's MERGE event."""
    followers = {w.user_id for w in duplicate.watchers.all()} | {duplicate.requester_id}
    already = set(original.watchers.values_list("user_id", flat=True)) | {original.requester_id}
    new_watchers = [Watcher(ticket=original, user_id=uid) for uid in sorted(followers - already)]
    Watcher.objects.bulk_create(new_watchers)
    attachments = list(duplicate.attachments.select_related("message").order_by("pk"))
    internal = [a for a in attachments if a.message is not None and a.message.is_internal]
    changes: dict[str, Any] = {"duplicates": [None, duplicate.reference]}
    if new_watchers:
        changes["watchers"] = [None, len(new_watchers)]
    if attachments:
        changes["attachments"] = [None, len(attachments)]
    note = _("Pièces jointes des notes internes du doublon #%(ref)s.") % {"ref": duplicate.reference}
    event = act(
        ticket=original, actor=actor, action=EventAction.MERGE, changes=changes,
        message_kind=MessageKind.INTERNAL_NOTE if internal else None, text=note if internal else "",
    )  # fmt: skip
    Attachment.objects.bulk_create(
        Attachment(
            ticket=original,
            message=event.message if a in internal else None,
            file=a.file.name,
            original_name=a.original_name,
            content_type=a.content_type,
            size=a.size,
            uploaded_by_id=a.uploaded_by_id,
        )
        for a in attachments
    )
    return event


def ticket_add_watcher(*, ticket: Ticket, actor: Any, user: Any, expected_version: int | None = None) -> TicketEvent:
    """Let ``user`` follow the ticket (see it, be notified). Service staff only."""
    if not perms.is_service_staff(ticket, actor):
        raise ActionForbidden(_("Seul le service en charge peut ajouter un observateur."))
    if user is None or not user.is_active:
        raise ActionRefused(_("Ce compte n'existe pas ou n'est plus actif."))
    if user.pk == ticket.requester_id or ticket.watchers.filter(user=user).exists():
        raise ActionRefused(_("Cette personne suit déjà la demande."))
    with transaction.atomic():
        Watcher.objects.create(ticket=ticket, user=user)
        return act(
            ticket=ticket, actor=actor, action=EventAction.ADD_WATCHER, expected_version=expected_version,
            changes={"watchers": [None, str(user)]},
        )  # fmt: skip
