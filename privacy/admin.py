from django.contrib import admin

from privacy.models import AccessRecord, PrivacyContact


@admin.register(PrivacyContact)
class PrivacyContactAdmin(admin.ModelAdmin):
    list_display = ["controller", "site", "dpo_name", "dpo_email"]


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only."""

    list_display = ["created", "user", "ticket", "kind"]
    list_filter = ["kind", "created", "ticket__service"]
    search_fields = ["user__email", "user__last_name", "=ticket__reference"]
    date_hierarchy = "created"
    list_select_related = ["user", "ticket"]
    raw_id_fields = ["user", "ticket"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
