"""Admin for tickets: read-mostly. Status and history change only through ``tickets.workflow``."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from helpdesk.admin import SuperuserOnlyMixin
from tickets.models import Attachment, Message, PendingUpload, Ticket, TicketEvent, Watcher


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ("created", "kind", "author", "body")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


# Keys of ``TicketEvent.changes`` that are not fields of the ticket.
CHANGE_LABELS = {"watchers": _("observateurs"), "attachments": _("pièces jointes")}


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    fields = ("created", "actor", "action", "from_status", "to_status", "changes_text", "reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("modifications"))
    def changes_text(self, obj: TicketEvent) -> str:
        """``{"assignee": [old, new]}`` as "agent en charge : — → Alex Petit", fields by their French names."""
        parts = []
        for name, values in (obj.changes or {}).items():
            try:
                label = Ticket._meta.get_field(name).verbose_name
            except FieldDoesNotExist:
                label = CHANGE_LABELS.get(name, name)
            old, new = values if isinstance(values, list) and len(values) == 2 else (None, values)
            parts.append(f"{label} : {old if old not in (None, '') else '—'} → {new if new not in (None, '') else '—'}")
        return " ; ".join(parts)


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "status", "service", "category", "requester", "assignee", "last_activity_at")
    list_filter = ("status", "service", "channel", "closed_automatically")
    search_fields = ("=reference", "title", "requester__email")
    list_select_related = ("service", "category", "requester", "assignee")
    raw_id_fields = ("requester", "assignee", "follow_up_of", "duplicate_of", "category")
    # Everything that the workflow owns is read-only here.
    readonly_fields = (
        "reference", "status", "service", "category", "requester", "institution", "assignee", "priority",
        "created", "updated", "last_activity_at", "closed_at", "closed_automatically", "remind_at", "expire_at",
        "reminded_at", "version", "follow_up_of", "duplicate_of",
    )  # fmt: skip
    inlines = [MessageInline, EventInline]

    def has_add_permission(self, request) -> bool:
        return False  # tickets are filed through tickets.workflow.ticket_file

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # view only: every change goes through tickets.workflow and its history


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "ticket", "content_type", "size", "uploaded_by", "created")
    readonly_fields = ("ticket", "message", "file", "original_name", "content_type", "size", "uploaded_by", "created")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # view only: attachments are stored by tickets.workflow with their message


@admin.register(Watcher)
class WatcherAdmin(admin.ModelAdmin):
    """Read-only: a watcher is added through ``tickets.workflow.ticket_add_watcher`` (the page's form),
    which records who added whom."""

    list_display = ("ticket", "user", "created")
    list_select_related = ("ticket", "user")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PendingUpload)
class PendingUploadAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    """Files uploaded ahead of a form's submission, swept when abandoned: plumbing."""

    list_display = ("original_name", "user", "size", "created")
