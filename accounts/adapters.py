"""allauth hooks: who may sign up with which address, and SSO account linking."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django import forms
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import Institution, InstitutionDomain
from accounts.sso import apps as sso_apps
from accounts.sso.attributes import flatten_claims, person_from_attributes
from accounts.sso.linking import SSOLoginRefused, apply_person, ensure_membership, linkable_local_user, trusts_email


def sso_institution_for_email(email: str) -> Institution | None:
    """The institution with SSO that owns this address's domain (or a parent domain)."""
    domain = email.rpartition("@")[2].lower()
    parts = domain.split(".")
    candidates = [".".join(parts[i:]) for i in range(len(parts) - 1)]
    match = (
        InstitutionDomain.objects.filter(domain__in=candidates)
        .exclude(institution__sso_kind="")
        .select_related("institution")
        .order_by("-domain")
        .first()
    )
    return match.institution if match else None


def refusal_response(request: HttpRequest, refusal: SSOLoginRefused, institution: Institution | None):
    return render(
        request,
        "accounts/sso_refused.html",
        {"refusal": refusal, "institution": institution},
        status=403,
    )


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        """Self-registration and address changes refuse an institution's SSO domain.

        The seed: "indiquez une adresse mail valide non AMU" — members of an
        institution with SSO sign in with it, so their helpdesk identity
        stays tied to their institutional account.
        """
        email = super().clean_email(email)
        institution = sso_institution_for_email(email)
        if institution is not None:
            raise forms.ValidationError(
                _(
                    "Les adresses de %(institution)s ne peuvent pas servir à créer un compte ici : "
                    "utilisez le bouton « Connexion avec un compte %(label)s » de la page de connexion, "
                    "ou indiquez une adresse électronique personnelle."
                )
                % {"institution": institution.name, "label": institution.short_label}
            )
        return email


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request: HttpRequest, provider=None, client_id=None) -> list[SocialApp]:
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        return apps + sso_apps.apps_for(provider=provider, client_id=client_id)

    def _institution(self, sociallogin: SocialLogin) -> Institution | None:
        return sso_apps.institution_of(sociallogin.provider.app)

    def _person(self, sociallogin: SocialLogin, institution: Institution):
        return person_from_attributes(
            institution=institution,
            subject=sociallogin.account.uid,
            attributes=flatten_claims(sociallogin.account.extra_data or {}),
        )

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Apply :mod:`accounts.sso.linking`'s policy to OIDC and SAML logins."""
        institution = self._institution(sociallogin)
        if institution is None:
            return
        person = self._person(sociallogin, institution)
        if sociallogin.is_existing:
            user = sociallogin.user
            if not user.is_active:
                raise ImmediateHttpResponse(
                    refusal_response(request, SSOLoginRefused(SSOLoginRefused.INACTIVE), institution)
                )
            changed = apply_person(user, person, new=False)
            if changed:
                user.save(update_fields=changed)
            ensure_membership(user, institution)
            return
        try:
            if not person.email:
                raise SSOLoginRefused(SSOLoginRefused.MISSING_EMAIL)
            for address in sociallogin.email_addresses:
                address.email = address.email.lower()
                address.verified = address.verified or trusts_email(institution)
            local = linkable_local_user(person.email)
            if local is not None and not trusts_email(institution):
                raise SSOLoginRefused(SSOLoginRefused.EMAIL_TAKEN)
        except SSOLoginRefused as refusal:
            raise ImmediateHttpResponse(refusal_response(request, refusal, institution)) from None
        if local is not None:
            # The local account verified this very address: same person.
            sociallogin.connect(request, local)
            ensure_membership(local, institution)

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data):
        user = super().populate_user(request, sociallogin, data)
        institution = self._institution(sociallogin)
        if institution is not None:
            user.email = (user.email or "").lower()
            apply_person(user, self._person(sociallogin, institution), new=True)
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        institution = self._institution(sociallogin)
        if institution is not None:
            ensure_membership(user, institution)
        return user
