from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    BouncingAddress,
    ClosurePeriod,
    Institution,
    InstitutionDomain,
    Membership,
    MembershipRole,
    ProviderOrganisation,
    SSOIdentity,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["institution"]


class SSOIdentityInline(admin.TabularInline):
    model = SSOIdentity
    extra = 0
    fields = ["institution", "subject", "last_login_at"]
    readonly_fields = ["institution", "subject", "last_login_at"]
    can_delete = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "profile", "is_staff", "is_active"]
    list_filter = ["profile", "is_staff", "is_active", "is_email_only", "memberships__institution"]
    search_fields = ["email", "first_name", "last_name", "student_number"]
    inlines = [MembershipInline, SSOIdentityInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name", "profile", "student_number", "language"]}),
        (_("Préférences"), {"fields": ["intro_dismissed", "notification_opt_outs", "is_email_only"]}),
        (_("Droits"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class InstitutionDomainInline(admin.TabularInline):
    model = InstitutionDomain
    extra = 1


class ClosurePeriodInline(admin.TabularInline):
    model = ClosurePeriod
    extra = 0


class InstitutionMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = _("membre ou correspondant")
    verbose_name_plural = _("membres et correspondants")


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "code", "sso_kind", "is_agency", "correspondent_count"]
    list_filter = ["sso_kind", "is_agency"]
    search_fields = ["name", "code", "acronym", "domains__domain"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [InstitutionDomainInline, InstitutionMembershipInline, ClosurePeriodInline]
    fieldsets = [
        (None, {"fields": ["name", "acronym", "code", "is_agency", "holiday_region"]}),
        (
            _("Authentification unique"),
            {
                "fields": ["sso_kind", "sso_settings"],
                "description": _(
                    'CAS : {"server_url": "https://cas.exemple.fr/cas/", "version": "3"}. '
                    'OpenID Connect : {"server_url", "client_id", "secret"}. '
                    'SAML : {"idp": {"entity_id", "sso_url", "x509cert"}}. '
                    'Facultatif : "attribute_map", "trust_email" (voir accounts/sso/__init__.py).'
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        correspondents = Count("memberships", filter=~Q(memberships__role=MembershipRole.MEMBER))
        return super().get_queryset(request).annotate(correspondent_count=correspondents)

    @admin.display(description=_("correspondants"), ordering="correspondent_count")
    def correspondent_count(self, obj: Institution) -> int:
        return obj.correspondent_count


@admin.register(ClosurePeriod)
class ClosurePeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "institution", "start", "end"]
    list_filter = ["institution"]


@admin.register(SSOIdentity)
class SSOIdentityAdmin(admin.ModelAdmin):
    list_display = ["subject", "institution", "user", "last_login_at"]
    list_filter = ["institution"]
    search_fields = ["subject", "user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["attributes", "created_at", "last_login_at"]


@admin.register(BouncingAddress)
class BouncingAddressAdmin(admin.ModelAdmin):
    """Addresses our mail bounced from (written by inbound email); delete a row once the address is fixed."""

    list_display = ["email", "bounce_count", "last_status", "last_bounced_at"]
    search_fields = ["email"]
    readonly_fields = [
        "email", "first_bounced_at", "last_bounced_at", "bounce_count", "last_status", "last_diagnostic",
        "last_message_id",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ProviderOrganisation)
class ProviderOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["members"]
