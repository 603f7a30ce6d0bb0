"""Agent doors added with the agent workspace: merge a duplicate, transfer, add a watcher.

Same contract as the rest of ``tickets.workflow`` (imported from there):
check the right, change through ``_act`` (one transaction, version bump,
one ``TicketEvent``, the domain signal), raise ``ActionRefused`` and
subclasses with a French message.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from catalogue.models import Category
from tickets import permissions as perms
from tickets.exceptions import ActionForbidden, ActionRefused
from tickets.models import Attachment, EventAction, Message, MessageKind, Ticket, TicketEvent, Watcher
from tickets.status import OPEN_STATES


def _core():
    # The package's ``__init__`` imports this module at its end: look the
    # helpers up lazily to avoid a circular import at load time.
    import tickets.workflow as core

    return core


def ticket_mark_duplicate(
    *, ticket: Ticket, actor: Any, original: Ticket, reason: str = "", expected_version: int | None = None
) -> TicketEvent:
    """Close ``ticket`` (→ REJ) as a duplicate of ``original``: the link is kept,
    its requester, watchers and attachments are carried over to the original.

    Both tickets must be handled by a service of ``actor``; the original must
    be open and not itself a duplicate. Returns the duplicate's event.
    """
    core = _core()
    if original.pk == ticket.pk:
        raise ActionRefused(_("Une demande ne peut pas être le doublon d'elle-même."))
    if not perms.is_service_staff(original, actor):
        raise ActionForbidden(_("La demande d'origine n'est pas traitée par votre service."))
    if original.status not in OPEN_STATES:
        raise ActionRefused(_("La demande d'origine est close : rattachez le doublon à une demande ouverte."))
    if original.duplicate_of_id is not None:
        raise ActionRefused(_("La demande d'origine est elle-même un doublon."))
    reason = (reason or "").strip() or _("Doublon de la demande #%(ref)s.") % {"ref": original.reference}
    try:
        with transaction.atomic():
            event = core._act(
                ticket=ticket, actor=actor, action=EventAction.DUPLICATE, transition="mark_duplicate",
                expected_version=expected_version, fields={"duplicate_of": original},
                changes={"duplicate_of": [None, original.reference]}, reason=reason,
            )  # fmt: skip
            carried = _carry_over(ticket, original, actor)
            core._act(
                ticket=original, actor=actor, action=EventAction.MERGE,
                changes={"duplicates": [None, ticket.reference], **carried},
            )  # fmt: skip
    except BaseException:
        ticket.refresh_from_db()  # the duplicate's own change was rolled back with the original's
        raise
    return event


def _carry_over(duplicate: Ticket, original: Ticket, actor: Any) -> dict[str, Any]:
    """Watchers (and the duplicate's requester) follow the original; attachments are copied
    (same stored file, new rows: the duplicate keeps its own). Internal stays internal:
    the attachments of internal notes go onto one internal note of the original."""
    followers = {w.user_id for w in duplicate.watchers.all()} | {duplicate.requester_id}
    already = set(original.watchers.values_list("user_id", flat=True)) | {original.requester_id}
    new_watchers = [Watcher(ticket=original, user_id=uid) for uid in sorted(followers - already)]
    Watcher.objects.bulk_create(new_watchers)
    attachments = list(duplicate.attachments.select_related("message").order_by("pk"))
    internal_note = None
    if any(a.message is not None and a.message.is_internal for a in attachments):
        internal_note = Message.objects.create(
            ticket=original, kind=MessageKind.INTERNAL_NOTE, author=actor,
            body=_("Pièces jointes des notes internes du doublon #%(ref)s.") % {"ref": duplicate.reference},
        )  # fmt: skip
    copies = [
        Attachment(
            ticket=original,
            message=internal_note if a.message is not None and a.message.is_internal else None,
            file=a.file.name,
            original_name=a.original_name,
            content_type=a.content_type,
            size=a.size,
            uploaded_by_id=a.uploaded_by_id,
        )
        for a in attachments
    ]
    Attachment.objects.bulk_create(copies)
    carried: dict[str, Any] = {}
    if new_watchers:
        carried["watchers"] = [None, len(new_watchers)]
    if copies:
        carried["attachments"] = [None, len(copies)]
    return carried


def ticket_transfer(
    *, ticket: Ticket, actor: Any, category: Category, reason: str = "", expected_version: int | None = None
) -> TicketEvent:
    """Move the ticket to a category of another service (a requalification of its category).

    The assignee is cleared by ``ticket_requalify`` since they do not work
    in the new service; the history tells the requester where and why.
    """
    if category.service_id == ticket.service_id:
        raise ActionRefused(_("Cette catégorie est traitée par le même service : requalifiez la catégorie."))
    return _core().ticket_requalify(
        ticket=ticket, actor=actor, category=category, reason=reason, expected_version=expected_version
    )


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
        return _core()._act(
            ticket=ticket, actor=actor, action=EventAction.ADD_WATCHER, expected_version=expected_version,
            changes={"watchers": [None, str(user)]},
        )  # fmt: skip
