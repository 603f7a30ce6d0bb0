"""Login side effects shared by every way of signing in (password, CAS, OIDC, SAML).

allauth's ``user_logged_in`` (not Django's) is the signal: it fires for the
interactive logins that go through allauth's flow — ours included, since the
CAS callback logs in with ``perform_login`` — and not for ``force_login``
in tests or an admin's "log in as".
"""

from __future__ import annotations

from allauth.account.signals import email_confirmed, password_reset, user_logged_in
from django.dispatch import receiver

from accounts import roles
from accounts.middleware import PENDING_LANGUAGE, SHOW_INTRO


@receiver(user_logged_in, dispatch_uid="accounts_after_login")
def after_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if user.language:
        request.session[PENDING_LANGUAGE] = user.language
    # The intro explains the catalogue to requesters; staff go straight to their queue.
    if not user.intro_dismissed and not roles.is_helpdesk_staff(user):
        request.session[SHOW_INTRO] = True


@receiver(email_confirmed, dispatch_uid="accounts_join_institution_by_domain")
def join_institution_by_domain(sender, request, email_address, **kwargs) -> None:
    """A verified address on an institution's domain (without SSO) makes its owner a member."""
    from accounts.models import InstitutionDomain
    from accounts.sso.linking import ensure_membership

    domain = email_address.email.rpartition("@")[2].lower()
    match = InstitutionDomain.objects.filter(domain=domain).select_related("institution").first()
    if match is not None:
        ensure_membership(email_address.user, match.institution)


@receiver(password_reset, dispatch_uid="accounts_claim_email_only")
def claim_on_password_reset(sender, request, user, **kwargs) -> None:
    """A reset link reached the mailbox: that proves the address, so an
    email-only account (made by inbound email) becomes an ordinary one."""
    from allauth.account.models import EmailAddress

    from accounts.email_only import claim_email_only_account

    if claim_email_only_account(user):
        address = EmailAddress.objects.get(user=user, email=user.email)
        email_confirmed.send(sender=EmailAddress, request=request, email_address=address)
