from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import ClosurePeriod, Institution, InstitutionDomain, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["institution"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "profile", "is_staff", "is_active"]
    list_filter = ["profile", "is_staff", "is_active", "is_email_only"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name", "profile", "language"]}),
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


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sso_kind", "is_agency"]
    search_fields = ["name", "code"]
    inlines = [InstitutionDomainInline, ClosurePeriodInline]


@admin.register(ClosurePeriod)
class ClosurePeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "institution", "start", "end"]
    list_filter = ["institution"]
