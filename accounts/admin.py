from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from accounts.admin_forms import InstitutionAdminForm, UserAdminChangeForm
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
from helpdesk.admin import FrenchPermissionsMixin, SuperuserOnlyMixin

# allauth's own admin pages, in English: the OIDC/SAML apps are built from
# institutions (accounts.sso.apps) and tokens are not stored, so those pages
# edit nothing in use; a person's second factors and linked OIDC/SAML accounts
# are shown on their user page instead (inlines below).
for _model in (SocialApp, SocialToken, SocialAccount, Authenticator):
    admin.site.unregister(_model)


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


class SecondFactorInline(admin.TabularInline):
    """Deleting a row resets that second factor (a lost phone): the person sets up a new one."""

    model = Authenticator
    extra = 0
    verbose_name = _("second facteur")
    verbose_name_plural = _("double authentification (seconds facteurs)")
    fields = ["kind", "created", "last_used"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("type"))
    def kind(self, obj: Authenticator) -> str:
        return obj.get_type_display()

    @admin.display(description=_("créé le"))
    def created(self, obj: Authenticator):
        return obj.created_at

    @admin.display(description=_("dernière utilisation"))
    def last_used(self, obj: Authenticator):
        return obj.last_used_at


class LinkedAccountInline(admin.TabularInline):
    model = SocialAccount
    extra = 0
    verbose_name = _("compte OpenID Connect ou SAML lié")
    verbose_name_plural = _("comptes OpenID Connect ou SAML liés")
    fields = ["provider_name", "subject", "joined", "last_login_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("établissement (fournisseur)"))
    def provider_name(self, obj: SocialAccount) -> str:
        return obj.provider

    @admin.display(description=_("identifiant"))
    def subject(self, obj: SocialAccount) -> str:
        return obj.uid

    @admin.display(description=_("relié le"))
    def joined(self, obj: SocialAccount):
        return obj.date_joined

    @admin.display(description=_("dernière connexion"))
    def last_login_at(self, obj: SocialAccount):
        return obj.last_login


@admin.register(User)
class UserAdmin(FrenchPermissionsMixin, BaseUserAdmin):
    form = UserAdminChangeForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "profile", "is_staff", "is_active"]
    list_filter = ["profile", "is_staff", "is_active", "is_email_only", "memberships__institution"]
    search_fields = ["email", "first_name", "last_name", "student_number"]
    inlines = [MembershipInline, SSOIdentityInline, LinkedAccountInline, SecondFactorInline]
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
    form = InstitutionAdminForm
    list_filter = ["sso_kind", "is_agency"]
    search_fields = ["name", "code", "acronym", "domains__domain"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [InstitutionDomainInline, InstitutionMembershipInline, ClosurePeriodInline]
    fieldsets = [
        (None, {"fields": ["name", "acronym", "code", "is_agency", "holiday_region"]}),
        (
            _("Authentification unique"),
            {
                "fields": ["sso_kind", "trust_email"],
                "description": _("Seuls les champs du protocole choisi sont enregistrés."),
            },
        ),
        (_("CAS et OpenID Connect"), {"fields": ["server_url", "cas_version", "client_id", "secret", "scope"]}),
        (_("SAML 2"), {"fields": ["idp_entity_id", "idp_metadata_url", "idp_sso_url", "idp_x509cert"]}),
        (_("Réglages SSO avancés"), {"classes": ["collapse"], "fields": ["advanced"]}),
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
class SSOIdentityAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ["subject", "institution", "user", "last_login_at"]
    list_filter = ["institution"]
    search_fields = ["subject", "user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["attributes", "created_at", "last_login_at"]


@admin.register(BouncingAddress)
class BouncingAddressAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
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
