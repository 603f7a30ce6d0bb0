"""Admin of the project's own tables, and what every admin page shares.

Shared: the French wording Django and its third-party apps leave in English
(built-in permission names, the yes/no icons' text), and the rule that
technical tables are for superusers only (``SuperuserOnlyMixin``): a staff
manager's admin index lists only what they manage.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import options as admin_options
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth.models import Group, Permission
from django.contrib.sites.models import Site
from django.db import models
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk.mail import retry_outbound_emails
from helpdesk.models import OutboundEmail, SignedLinkRevocation

# Addresses typed in the admin without a scheme are https (Django 6's default; 5.2 warns otherwise).
admin_options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.URLField] = {
    **admin_options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.URLField],
    "assume_scheme": "https",
}

# --- French where Django and third-party apps stay in English ----------------

admin.site.site_header = _("Administration de Guichet")
admin.site.site_title = _("Administration de Guichet")

PERMISSION_ACTIONS = {"add": _("ajouter"), "change": _("modifier"), "delete": _("supprimer"), "view": _("consulter")}
# Apps and models of third-party packages named in English, as permission labels show them.
THIRD_PARTY_APP_NAMES = {"django_cas_ng": _("Connexion CAS"), "mfa": _("Double authentification")}
THIRD_PARTY_MODEL_NAMES = {
    ("mfa", "authenticator"): _("second facteur"),
    ("django_cas_ng", "proxygrantingticket"): _("ticket de délégation CAS"),
    ("django_cas_ng", "sessionticket"): _("ticket de session CAS"),
}


def permission_label(permission: Permission) -> str:
    """Django writes the built-in permission names in English ("Can add …") when it
    migrates; say them in the page's language from the codename and the model's names."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:  # a table removed since: its permissions are leftovers
        return str(permission)
    key = (model._meta.app_label, model._meta.model_name)
    app_name = THIRD_PARTY_APP_NAMES.get(key[0], model._meta.app_config.verbose_name)
    model_name = THIRD_PARTY_MODEL_NAMES.get(key, model._meta.verbose_name)
    action, _sep, codename_model = permission.codename.partition("_")
    name = permission.name
    if action in PERMISSION_ACTIONS and codename_model == key[1] and name.startswith("Can "):
        name = _("peut %(action)s") % {"action": PERMISSION_ACTIONS[action]}
    return f"{app_name} | {model_name} | {name}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Permission) -> str:
        return permission_label(obj)


class FrenchPermissionsMixin:
    """For the admins of users and groups: permissions listed in the page's language."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionChoiceField
            kwargs["queryset"] = Permission.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _boolean_icon(field_val: bool | None) -> str:
    """Django's yes/no/unknown icons carry "True"/"False"/"None" as their text, in
    English, read aloud by screen readers; the same icons with a translated text."""
    icon = {True: "yes", False: "no", None: "unknown"}[field_val]
    text = {True: _("Oui"), False: _("Non"), None: _("Inconnu")}[field_val]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


# Every caller (change lists, read-only fields) imports it from this module at call time.
admin_list._boolean_icon = _boolean_icon


# --- Technical tables: superusers only ---------------------------------------


class SuperuserOnlyMixin:
    """Hidden from the admin index and refused to staff who are not superusers,
    whatever permissions their groups give: these tables are plumbing."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args) -> bool:
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


def superuser_only(model) -> None:
    """Re-register a model's current admin (a third-party one too) behind ``SuperuserOnlyMixin``."""
    current = type(admin.site.get_model_admin(model))
    admin.site.unregister(model)
    admin.site.register(model, type(current.__name__, (SuperuserOnlyMixin, current), {}))


class GroupAdmin(FrenchPermissionsMixin, SuperuserOnlyMixin, type(admin.site.get_model_admin(Group))):
    pass


admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)
superuser_only(Site)


# --- Outbound mail and signed links -----------------------------------------


@admin.register(OutboundEmail)
class OutboundEmailAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
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
class SignedLinkRevocationAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "ticket_reference", "link_id", "created_at"]
    search_fields = ["user__email", "=ticket_reference", "link_id"]
    raw_id_fields = ["user"]
