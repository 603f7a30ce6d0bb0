"""Which local user an SSO login is, and the rules that keep it safe.

One policy for every protocol (CAS here, OIDC and SAML through
:class:`accounts.adapters.SocialAccountAdapter`):

- a known identity (same institution, same subject) logs into its user;
- otherwise the released address decides, through :func:`local_user_to_link`:
  no address → refused with a clear page; an address no account has → a new
  account, member of the institution, whose address counts as verified only
  if the institution vouches for it (:func:`vouches_for`); an address an
  account already has → linked to it only when every one of these holds:

  * the institution vouches for the address: ``trust_email`` is on (it is
    off by default), the address is on one of the institution's declared
    domains (an IdP speaks only for its own people), and the claim itself is
    not marked unverified (OIDC ``email_verified=false``);
  * the account verified that address itself (otherwise whoever typed
    someone else's address at sign-up would get their SSO login);
  * the account is not privileged: agents, service managers, administrators
    and superusers are linked only by their own explicit, authenticated
    action (``process=connect`` from their signed-in session);
  * the account is active.

Names released by the IdP fill empty names only: they never overwrite the
names of an account.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution, InstitutionDomain, Membership, MembershipRole, SSOIdentity, User
from accounts.sso.attributes import SSOPerson


class SSOLoginRefused(Exception):
    MISSING_EMAIL = "missing_email"
    UNVERIFIED_LOCAL_ACCOUNT = "unverified_local_account"
    INACTIVE = "inactive"
    EMAIL_TAKEN = "email_taken"
    PRIVILEGED_ACCOUNT = "privileged_account"
    ALREADY_LINKED = "already_linked"

    MESSAGES = {
        MISSING_EMAIL: _(
            "Votre établissement ne nous a pas transmis votre adresse électronique : "
            "nous ne pouvons pas créer votre compte. Contactez le support informatique de votre établissement."
        ),
        UNVERIFIED_LOCAL_ACCOUNT: _(
            "Un compte créé sur le Guichet utilise déjà cette adresse électronique, mais elle n'a jamais été "
            "vérifiée. Par sécurité, nous ne le relions pas à votre compte d'établissement. Connectez-vous avec "
            "l'adresse électronique et son mot de passe, puis confirmez l'adresse, ou contactez l'assistance."
        ),
        INACTIVE: _("Ce compte est désactivé. Contactez l'assistance."),
        EMAIL_TAKEN: _(
            "Un compte du Guichet utilise déjà cette adresse électronique. Connectez-vous avec cette adresse "
            "et son mot de passe, ou contactez l'assistance pour relier les deux comptes."
        ),
        PRIVILEGED_ACCOUNT: _(
            "Un compte du Guichet utilise déjà cette adresse électronique et seul son titulaire peut le relier "
            "à un compte d'établissement. Connectez-vous avec cette adresse et son mot de passe, puis reliez "
            "votre compte d'établissement depuis votre compte."
        ),
        ALREADY_LINKED: _("Ce compte d'établissement est déjà relié à un autre compte du Guichet."),
    }

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.reason])


def trusts_email(institution: Institution) -> bool:
    """``sso_settings["trust_email"]``: off unless the administrator vouches for the institution's directory."""
    return (institution.sso_settings or {}).get("trust_email", False) is True


def domain_candidates(email: str) -> list[str]:
    """The address's domain and its parent domains: ``a.b.fr`` → ``["a.b.fr", "b.fr"]``."""
    parts = email.rpartition("@")[2].lower().split(".")
    return [".".join(parts[i:]) for i in range(len(parts) - 1)]


def on_institution_domain(institution: Institution, email: str) -> bool:
    """Whether ``email`` is on one of the institution's declared domains (or a subdomain of one)."""
    return InstitutionDomain.objects.filter(institution=institution, domain__in=domain_candidates(email)).exists()


def vouches_for(institution: Institution, email: str, *, claim_verified: bool) -> bool:
    """Whether this institution's answer proves that the person owns ``email``."""
    return bool(email) and claim_verified and trusts_email(institution) and on_institution_domain(institution, email)


def _account_with_email(email: str) -> User | None:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        user = address.user if address else None
    return user


def local_user_to_link(*, institution: Institution, person: SSOPerson, claim_verified: bool) -> User | None:
    """The existing account a first SSO login of ``person`` logs into, or None when no account has the address.

    Raises :class:`SSOLoginRefused` when an account has the address but may not be linked automatically.
    """
    if not person.email:
        raise SSOLoginRefused(SSOLoginRefused.MISSING_EMAIL)
    user = _account_with_email(person.email)
    if user is None:
        return None
    if not user.is_active:
        raise SSOLoginRefused(SSOLoginRefused.INACTIVE)
    if user.is_helpdesk_staff:
        raise SSOLoginRefused(SSOLoginRefused.PRIVILEGED_ACCOUNT)
    if not EmailAddress.objects.filter(user=user, email__iexact=person.email, verified=True).exists():
        raise SSOLoginRefused(SSOLoginRefused.UNVERIFIED_LOCAL_ACCOUNT)
    if not vouches_for(institution, person.email, claim_verified=claim_verified):
        raise SSOLoginRefused(SSOLoginRefused.EMAIL_TAKEN)
    return user


def apply_person(user: User, person: SSOPerson, *, new: bool) -> list[str]:
    """Fill names, student number and profile from the IdP; returns the changed field names.

    Only empty fields are filled: what an account holds (names typed at
    sign-up, a profile corrected by staff) is never overwritten by an IdP.
    """
    changed = []
    for name in ("first_name", "last_name", "student_number"):
        value = getattr(person, name)
        if value and not getattr(user, name):
            setattr(user, name, value)
            changed.append(name)
    if person.profile and (new or not user.profile):
        user.profile = person.profile
        changed.append("profile")
    return changed


def ensure_membership(user: User, institution: Institution) -> None:
    Membership.objects.get_or_create(user=user, institution=institution, defaults={"role": MembershipRole.MEMBER})


def _new_cas_user(institution: Institution, person: SSOPerson) -> User:
    user = User(email=person.email)
    user.set_unusable_password()
    apply_person(user, person, new=True)
    user.save()
    verified = vouches_for(institution, person.email, claim_verified=True)
    # Unverified, the address can still be confirmed by mail before filing.
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    return user


@transaction.atomic
def cas_user_for(*, institution: Institution, person: SSOPerson, connect_to: User | None = None) -> tuple[User, bool]:
    """The user a validated CAS login is, creating or linking it; ``(user, created)``.

    ``connect_to``: the signed-in user who asked to connect this CAS account to
    theirs (the explicit action that the automatic rules leave to them).
    """
    identity = (
        SSOIdentity.objects.select_for_update()
        .select_related("user")
        .filter(institution=institution, subject=person.subject)
        .first()
    )
    created = False
    if connect_to is not None:
        if identity is not None and identity.user_id != connect_to.pk:
            raise SSOLoginRefused(SSOLoginRefused.ALREADY_LINKED)
        user = connect_to
        identity = identity or SSOIdentity(institution=institution, subject=person.subject, user=user)
    elif identity is not None:
        user = identity.user
        if not user.is_active:
            raise SSOLoginRefused(SSOLoginRefused.INACTIVE)
    else:
        user = local_user_to_link(institution=institution, person=person, claim_verified=True)
        if user is None:
            user, created = _new_cas_user(institution, person), True
        identity = SSOIdentity(institution=institution, subject=person.subject, user=user)
    if not created:
        changed = apply_person(user, person, new=False)
        if changed:
            user.save(update_fields=changed)
    identity.attributes = person.raw
    identity.last_login_at = timezone.now()
    identity.save()
    ensure_membership(user, institution)
    return user, created
