"""Right of access and portability: everything held about a requester, as a ZIP.

The archive holds ``account.json``, ``accesses.json`` (which services accessed
their requests), and for each of their requests ``tickets/<reference>/ticket.json``
(fields, form values, the messages and events they may see — never an internal
note nor its attachments) with the attachment files beside it. What goes in is
chosen through the visibility rules, narrowed to the requester's own tickets and
to public messages, so an agent exporting their own data gets no colleague's notes.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from privacy.models import AccessRecord, DataExport, DataExportStatus
from tickets.attachments import download_name
from tickets.models import PUBLIC_KINDS, Attachment, EventAction, Message, Ticket, TicketEvent
from tickets.storage import save_whole

SALT = "privacy.data-export"
EXPORT_PREFIX = "exports"
ACCOUNT_FIELDS = ("email", "first_name", "last_name", "phone", "postal_address", "student_number", "profile",
                  "date_joined", "last_login")  # fmt: skip


def _dump(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _account(user: Any) -> dict[str, Any]:
    data = {field: getattr(user, field, None) for field in ACCOUNT_FIELDS}
    data["institutions"] = [m.institution.name for m in user.memberships.select_related("institution")]
    return data


def export_contents(*, user: Any) -> dict[str, Any]:
    """What the archive holds, as JSON-ready data (attachments as rows: ``archive_path`` says where)."""
    tickets = Ticket.objects.visible_to(user).filter(requester=user).select_related("category", "service")
    tickets = tickets.order_by("reference")
    messages = Message.objects.visible_to(user).filter(ticket__requester=user, kind__in=PUBLIC_KINDS)
    events = TicketEvent.objects.filter(ticket__requester=user).exclude(action=EventAction.INTERNAL_NOTE)
    attachments = Attachment.objects.visible_to(user).filter(ticket__requester=user)
    attachments = attachments.filter(Q(message__isnull=True) | Q(message__kind__in=PUBLIC_KINDS))
    by_ticket: dict[int, dict[str, Any]] = {}
    for ticket in tickets:
        by_ticket[ticket.pk] = {
            "reference": ticket.reference,
            "title": ticket.title,
            "description": ticket.description,
            "category": ticket.category.name,
            "service": ticket.service.name,
            "status": ticket.status,
            "form_values": ticket.form_values,
            "created": ticket.created,
            "closed_at": ticket.closed_at,
            "messages": [],
            "events": [],
            "attachments": [],
        }
    for message in messages.select_related("author").order_by("created", "pk"):
        by_ticket[message.ticket_id]["messages"].append(
            {
                "kind": message.kind,
                "created": message.created,
                "body": message.body,
                "from_you": message.author_id == user.pk,
            }
        )
    for event in events.order_by("created", "pk"):
        by_ticket[event.ticket_id]["events"].append(
            {
                "action": event.action,
                "label": str(event.get_action_display()),
                "created": event.created,
                "from_status": event.from_status,
                "to_status": event.to_status,
            }
        )
    for attachment in attachments.order_by("created", "pk"):
        ticket = by_ticket[attachment.ticket_id]
        name = download_name(attachment.original_name, attachment.content_type)
        ticket["attachments"].append(
            {
                "name": attachment.original_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "archive_path": f"tickets/{ticket['reference']}/files/{attachment.pk}-{name}",
                "stored_name": attachment.file.name,
            }
        )
    accesses = [
        {"date": r.created, "ticket": r.ticket.reference, "kind": r.kind, "service": r.ticket.service.name}
        for r in AccessRecord.objects.about_requester(user)
    ]
    return {"account": _account(user), "tickets": list(by_ticket.values()), "accesses": accesses}


def write_archive(*, user: Any, target: Any) -> None:
    """Write the ZIP of ``user``'s data into the binary file object ``target``."""
    contents = export_contents(user=user)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("account.json", _dump(contents["account"]))
        archive.writestr("accesses.json", _dump(contents["accesses"]))
        for ticket in contents["tickets"]:
            for attachment in ticket["attachments"]:
                stored_name = attachment.pop("stored_name")
                with (
                    default_storage.open(stored_name, "rb") as stored,
                    archive.open(attachment["archive_path"], "w") as out,
                ):
                    while chunk := stored.read(1024 * 1024):
                        out.write(chunk)
            archive.writestr(f"tickets/{ticket['reference']}/ticket.json", _dump(ticket))


def data_export_build(*, export: DataExport) -> DataExport:
    """Build the archive of a pending export into private storage and mark it ready."""
    if export.status != DataExportStatus.PENDING:
        return export
    try:
        with tempfile.TemporaryFile() as buffer:
            write_archive(user=export.user, target=buffer)
            buffer.seek(0)
            name = save_whole(f"{EXPORT_PREFIX}/{export.user_id}-{export.pk}.zip", File(buffer))
    except Exception:
        # Shown to the requester, who may ask again; the error itself goes to the worker's log.
        DataExport.objects.filter(pk=export.pk).update(status=DataExportStatus.FAILED)
        raise
    export.file.name = name
    export.status = DataExportStatus.READY
    export.ready_at = timezone.now()
    export.save(update_fields=["file", "status", "ready_at"])
    return export


def export_token(export: DataExport) -> str:
    return signing.dumps({"x": export.pk, "u": export.user_id}, salt=SALT)


def export_from_token(*, token: str, user: Any) -> DataExport | None:
    """The ready export the token names, for that same user, while the link lasts; else ``None``."""
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(hours=settings.GUICHET_DATA_EXPORT_HOURS))
    except signing.BadSignature:  # also SignatureExpired
        return None
    if data.get("u") != user.pk:
        return None
    return DataExport.objects.available().filter(pk=data.get("x"), user=user).first()


def purge_expired_exports() -> int:
    """Delete the exports (rows and files) whose link has expired; return how many."""
    count = 0
    for export in DataExport.objects.expired():
        if export.file.name:
            default_storage.delete(export.file.name)
        export.delete()
        count += 1
    return count
