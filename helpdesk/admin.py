from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk.mail import retry_outbound_emails
from helpdesk.models import OutboundEmail, SignedLinkRevocation


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Read-only: a mail is written by the code that sends it, never by hand.
    The one action puts failed rows back in the queue."""

    list_display = ["created_at", "recipients", "subject", "kind", "language", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "language", "created_at"]
    search_fields = ["subject", "message_id", "to", "related", "=ticket_reference"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    fieldsets = [
        (None, {"fields": ["status", "kind", "language", "ticket_reference", "related"]}),
        (_("Message"), {"fields": ["from_email", "to", "cc", "reply_to", "subject", "message_id", "headers"]}),
        (_("Contenu"), {"fields": ["text_view", "html_source"]}),
        (
            _("Envoi"),
            {"fields": ["attempts", "next_attempt_at", "claimed_at", "last_error", "created_at", "sent_at"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields] + ["text_view", "html_source"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("destinataires"))
    def recipients(self, obj: OutboundEmail) -> str:
        return ", ".join(obj.to)

    @admin.display(description=_("texte"))
    def text_view(self, obj: OutboundEmail) -> str:
        return format_html('<pre class="outbox-body">{}</pre>', obj.body_text)

    # Shown as escaped source: rendering stored HTML inside admin would be a
    # way to run someone's markup with an administrator's session.
    @admin.display(description=_("HTML (source)"))
    def html_source(self, obj: OutboundEmail) -> str:
        return format_html('<pre class="outbox-body">{}</pre>', obj.body_html)

    @admin.action(description=_("Renvoyer les courriels sélectionnés (en échec ou en attente)"), permissions=["change"])
    def retry(self, request, queryset):
        count = retry_outbound_emails(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d courriel remis en file d'envoi.", "%(count)d courriels remis en file d'envoi.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(SignedLinkRevocation)
class SignedLinkRevocationAdmin(admin.ModelAdmin):
    list_display = ["user", "ticket_reference", "link_id", "created_at"]
    search_fields = ["user__email", "=ticket_reference", "link_id"]
    raw_id_fields = ["user"]
