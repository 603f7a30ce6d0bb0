"""Admin screens of inbound email: every message taken, and the quarantine.

Administrators (``is_staff``) see why a message was quarantined, read its
source, and re-process it (after fixing the cause: a category address, a
disabled account…) or discard it. Both are admin actions: POST with CSRF.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from helpdesk.admin import SuperuserOnlyMixin
from inbound.models import InboundMessage, Quarantine, QuarantineStatus

from .handler import Outcome
from .pipeline import discard, reprocess

RAW_PREVIEW_CHARS = 50_000


def _raw_preview(inbound: InboundMessage) -> str:
    raw = inbound.raw
    text = raw[:RAW_PREVIEW_CHARS].decode("utf-8", "replace")
    if len(raw) > RAW_PREVIEW_CHARS:
        text += "\n[…]"
    return format_html('<pre class="inbound-raw">{}</pre>', text)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(SuperuserOnlyMixin, ReadOnlyAdmin):
    list_display = ("received_at", "from_address", "subject", "kind", "outcome", "ticket", "source")
    list_filter = ("outcome", "kind", "source")
    search_fields = ("from_address", "subject", "message_id", "=ticket__reference")
    list_select_related = ("ticket",)
    raw_id_fields = ("sender", "ticket", "ticket_message", "related_ticket")
    exclude = ("raw_inline",)
    readonly_fields = ("raw_source",)

    @admin.display(description=gettext_lazy("source brute"))
    def raw_source(self, obj: InboundMessage) -> str:
        return _raw_preview(obj)


@admin.register(Quarantine)
class QuarantineAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "reason", "sender", "subject", "status", "handled_by")
    list_filter = ("status", "reason")
    search_fields = ("inbound__from_address", "inbound__subject", "detail")
    list_select_related = ("inbound", "handled_by")
    fields = ("reason", "detail", "status", "created_at", "handled_at", "handled_by", "inbound", "raw_source")
    readonly_fields = fields
    actions = ["reprocess_selected", "discard_selected"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # discard keeps the record; nothing that came in vanishes

    @admin.display(description=gettext_lazy("expéditeur"), ordering="inbound__from_address")
    def sender(self, obj: Quarantine) -> str:
        return obj.inbound.from_address

    @admin.display(description=gettext_lazy("objet"))
    def subject(self, obj: Quarantine) -> str:
        return obj.inbound.subject

    @admin.display(description=gettext_lazy("source brute"))
    def raw_source(self, obj: Quarantine) -> str:
        return _raw_preview(obj.inbound)

    @admin.action(description=gettext_lazy("Retraiter les courriels sélectionnés"))
    def reprocess_selected(self, request, queryset) -> None:
        done, still = 0, []
        for quarantine in queryset.filter(status=QuarantineStatus.PENDING).select_related("inbound"):
            result = reprocess(quarantine, actor=request.user)
            if result.outcome == Outcome.QUARANTINED:
                still.append(f"{quarantine.inbound.from_address or '?'} : {result.reason}")
            else:
                done += 1
        if done:
            text = ngettext("%(count)d courriel retraité.", "%(count)d courriels retraités.", done)
            self.message_user(request, text % {"count": done}, messages.SUCCESS)
        for line in still:
            self.message_user(request, _("Toujours en quarantaine — %(why)s") % {"why": line}, messages.WARNING)

    @admin.action(description=gettext_lazy("Écarter les courriels sélectionnés"))
    def discard_selected(self, request, queryset) -> None:
        pending = list(queryset.filter(status=QuarantineStatus.PENDING))
        for quarantine in pending:
            discard(quarantine, actor=request.user)
        text = ngettext("%(count)d courriel écarté.", "%(count)d courriels écartés.", len(pending))
        self.message_user(request, text % {"count": len(pending)}, messages.SUCCESS)
