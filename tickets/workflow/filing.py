"""Filing doors: a new ticket, and the follow-up of a closed one (web form and email alike)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Category, Lifecycle
from catalogue.selectors import CatalogueTree, visible_categories
from helpdesk.rows import insert_one
from tickets import permissions as perms
from tickets.exceptions import ActionForbidden, ActionRefused
from tickets.models import Channel, EventAction, Ticket, TicketCounter
from tickets.notifications.compose import read_once_per_run
from tickets.priority import compute_priority
from tickets.status import CLOSED_STATES, Origin
from tickets.workflow._core import FileInput, attach, record, required


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
    origin: str = "",
) -> Ticket:
    """File a new ticket (status NEW) for ``requester`` in a leaf ``category``.

    ``actor`` is who did it (the requester when not given: web form and
    email alike). Values are expected to be validated already (by the form
    or by email ingestion); this function refuses what breaks the domain.
    ``files`` are ``CheckedFile`` (from ``tickets.attachments.check_upload``)
    or the actor's ``PendingUpload`` rows. ``origin`` (VSR, VA, FA: seed 002) is kept on
    the agency's branches only, FA (filed by a correspondent) unless told otherwise.
    """
    actor = requester if actor is None else actor
    if not category.accepts_tickets:
        raise ActionRefused(_("Cette catégorie ne reçoit pas de demandes."))
    if _catalogue_of(requester).get(category.slug) is None:  # the catalogue's audience rule
        raise ActionForbidden(_("Cette catégorie n'est pas proposée à votre profil ou à votre établissement."))
    title = required(title, _("Le titre est obligatoire."))
    description = required(description, _("La description est obligatoire."))
    if domain and category.domains and domain not in category.domains:
        raise ActionRefused(_("Ce domaine n'existe pas pour cette catégorie."))
    priority = compute_priority(
        scheme=category.priority_scheme, impact=impact, urgency=urgency, is_blocking=is_blocking
    )
    if category.lifecycle_in_force != Lifecycle.AGENCY:
        origin = ""
    elif origin not in Origin.values:
        origin = Origin.FA
    stored: list[str] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            ticket = Ticket(
                origin=origin,
                reference=TicketCounter.next_reference(),
                title=title[:200],
                description=description,
                category=category,
                # The category's service object when the caller loaded it (the mails name it).
                **(
                    {"service": category.service}
                    if "service" in category._state.fields_cache
                    else {"service_id": category.service_id}
                ),
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
            insert_one(ticket)  # as Ticket.objects.create, the statement written once (issue 22)
            attach(ticket, None, actor, files, stored, new_ticket=True)
            changes = {"follow_up_of": follow_up_of.reference} if follow_up_of else None
            record(ticket, actor=actor, action=EventAction.FILE, from_status="", changes=changes, now=now)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return ticket


def _catalogue_of(requester: Any) -> CatalogueTree:
    """``visible_categories(user=requester)``. The catalogue a person sees depends only on their
    profile, their institutions and whether they administer: every account inbound mail has just
    created (``accounts.email_only``: no membership, no staff flag) sees the same one, worked out
    once per run of the pipeline (``notification_run``) — not once per new sender, with a read of
    memberships each has none of (issue 22)."""
    if getattr(requester, "is_new_email_only", False) and not requester.is_staff:
        return read_once_per_run(
            ("catalogue_of_new_email_only_account", requester.profile),
            lambda: visible_categories(user=requester),
        )
    return visible_categories(user=requester)


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
