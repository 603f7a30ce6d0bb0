"""Administrators create service accounts (a user that never signs in) and their tokens here.

A token's secret is shown once, in the confirmation message of the action that creates it."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from api.models import AccessToken, ServiceAccount, TokenScope
from api.tokens import token_create, token_revoke


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "scope", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("scope",)
    search_fields = ("name", "prefix", "user__email")
    readonly_fields = ("user", "name", "prefix", "scope", "created", "expires_at", "revoked_at", "last_used_at")
    actions = ("revoke",)

    def has_add_permission(self, request) -> bool:
        return False  # created by their owner's page or the service account's action (secret shown once)

    @admin.action(description=_("Révoquer les jetons choisis"))
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            token_revoke(token=token)


class ServiceAccountForm(forms.ModelForm):
    email = forms.EmailField(label=_("Adresse du compte"), help_text=_("Celle de l'équipe responsable du système."))
    name = forms.CharField(label=_("Nom du système"), max_length=150)

    class Meta:
        model = ServiceAccount
        fields = ("description",)


@admin.register(ServiceAccount)
class ServiceAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "description", "created")
    actions = ("create_read_token", "create_write_token")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ServiceAccountForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ("user", "created_by", "created") if obj is not None else ()

    @transaction.atomic
    def save_model(self, request, obj, form, change) -> None:
        if not change:
            user = User.objects.create_user(email=form.cleaned_data["email"], password=None)
            user.last_name = form.cleaned_data["name"]
            user.save(update_fields=["last_name"])
            obj.user, obj.created_by = user, request.user
        super().save_model(request, obj, form, change)

    def _create_tokens(self, request, queryset, scope: str) -> None:
        for account in queryset.select_related("user"):
            _token, secret = token_create(user=account.user, name=str(account.user), scope=scope)
            messages.warning(
                request,
                _("Jeton de %(account)s (copiez-le maintenant, il ne sera plus affiché) : %(secret)s")
                % {"account": account, "secret": secret},
            )

    @admin.action(description=_("Créer un jeton en lecture seule"))
    def create_read_token(self, request, queryset) -> None:
        self._create_tokens(request, queryset, TokenScope.READ)

    @admin.action(description=_("Créer un jeton en lecture et écriture"))
    def create_write_token(self, request, queryset) -> None:
        self._create_tokens(request, queryset, TokenScope.WRITE)
