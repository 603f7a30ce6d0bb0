from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from privacy.erasure import ErasureCheck, erasure_carry_out, erasure_check, erasure_refuse
from privacy.models import AccessRecord, ErasureRequest, ErasureStatus, PrivacyContact
from tickets.exceptions import ActionRefused


@admin.register(PrivacyContact)
class PrivacyContactAdmin(admin.ModelAdmin):
    list_display = ["controller", "site", "dpo_name", "dpo_email"]


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only."""

    list_display = ["created", "user", "ticket", "kind", "detail", "ip"]
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


class ErasureDecisionForm(forms.ModelForm):
    """The administrator's decision on a pending request: carry it out, or refuse with a reason."""

    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            ("", "—"),
            ("carry_out", _("Effacer le compte et anonymiser ses demandes")),
            ("refuse", _("Refuser (motif obligatoire)")),
        ],
        required=False,
    )

    class Meta:
        model = ErasureRequest
        fields = ["refusal_reason"]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("refusal_reason") or "").strip():
            self.add_error("refusal_reason", _("Le motif du refus est obligatoire."))
        user = self.instance.user
        if data.get("decision") == "carry_out" and user is not None and erasure_check(user=user).blocked:
            raise forms.ValidationError(_("Des demandes sont encore ouvertes : l'effacement attendra leur fin."))
        return data


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    """Requests for erasure: what prevents it (open tickets, legal holds), then the decision."""

    form = ErasureDecisionForm
    list_display = ["created", "user", "status", "decided_at", "decided_by"]
    list_filter = ["status", "created"]
    list_select_related = ["user", "decided_by"]
    readonly_fields = ["user", "status", "created", "open_tickets", "legal_holds", "decided_at", "decided_by",
                       "kept_references"]  # fmt: skip

    def get_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and obj.status == ErasureStatus.PENDING:
            return [*fields, "decision", "refusal_reason"]
        return [*fields, "refusal_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != ErasureStatus.PENDING:
            return [*self.readonly_fields, "refusal_reason"]
        return self.readonly_fields

    def _check(self, obj):
        if not hasattr(obj, "_erasure_check"):
            obj._erasure_check = erasure_check(user=obj.user) if obj.user is not None else ErasureCheck()
        return obj._erasure_check

    @admin.display(description=_("Demandes ouvertes (empêchent l'effacement)"))
    def open_tickets(self, obj) -> str:
        return ", ".join(f"#{t.reference} ({t.get_status_display()})" for t in self._check(obj).open_tickets) or "—"

    @admin.display(description=_("Demandes à conserver (obligation légale, SVE)"))
    def legal_holds(self, obj) -> str:
        return ", ".join(f"#{t.reference}" for t in self._check(obj).held_tickets) or "—"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        decision = form.cleaned_data.get("decision")
        try:
            if decision == "carry_out":
                erasure_carry_out(request=obj, actor=request.user)
            elif decision == "refuse":
                erasure_refuse(request=obj, actor=request.user, text=form.cleaned_data["refusal_reason"])
        except ActionRefused as exc:
            self.message_user(request, str(exc), level=messages.ERROR)
