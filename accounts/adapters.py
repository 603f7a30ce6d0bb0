"""allauth hooks: who may sign up with which address, and SSO account linking."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse

from accounts import roles
from accounts.models import Institution, InstitutionDomain
from accounts.sso import apps as sso_apps
from accounts.sso.attributes import flatten_claims, person_from_attributes
from accounts.sso.linking import (
    SSOLoginRefused,
    apply_person,
    domain_candidates,
    ensure_membership,
    local_user_to_link,
    vouches_for,
)


def sso_institution_for_email(email: str) -> Institution | None:
    """The institution with SSO that owns this address's domain (or a parent domain)."""
    match = (
        InstitutionDomain.objects.filter(domain__in=domain_candidates(email))
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
    """Our hook into allauth's account flows (the SSO-domain rule lives in accounts.login_form)."""

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Agents, managers and administrators land on their queue; requesters on the catalogue.

        allauth asks only when the login carries no explicit ``next``, which always wins."""
        if roles.is_helpdesk_staff(request.user):
            return reverse("agent:queue")
        return super().get_login_redirect_url(request)


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
        claim_verified = self._claim_verified(sociallogin)
        for address in sociallogin.email_addresses:
            address.email = address.email.lower()
            address.verified = vouches_for(institution, address.email, claim_verified=claim_verified)
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
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # The signed-in user asked for this link themselves; allauth checks
            # that they are signed in and recently re-authenticated.
            return
        try:
            local = local_user_to_link(institution=institution, person=person, claim_verified=claim_verified)
        except SSOLoginRefused as refusal:
            raise ImmediateHttpResponse(refusal_response(request, refusal, institution)) from None
        if local is not None:
            sociallogin.connect(request, local)
            changed = apply_person(local, person, new=False)
            if changed:
                local.save(update_fields=changed)
            ensure_membership(local, institution)

    @staticmethod
    def _claim_verified(sociallogin: SocialLogin) -> bool:
        """OIDC says whether it verified the address (``email_verified``); absent or false, it did not.

        A SAML assertion has no such flag: the released ``mail`` is the directory's.
        """
        if sociallogin.provider.app.provider == sso_apps.OIDC_PROVIDER:
            verified = flatten_claims(sociallogin.account.extra_data or {}).get("email_verified")
            return verified is True or str(verified).lower() == "true"
        return True

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
