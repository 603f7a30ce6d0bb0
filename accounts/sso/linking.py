"""Which local user an SSO login is, and the rules that keep it safe.

One policy for every protocol:

- a known identity (same institution, same subject) logs into its user;
- otherwise the released address decides: no address → refused with a clear
  page; an address no account has → a new account, verified, member of the
  institution; an address an account already has → linked to it only if that
  account verified the address itself (otherwise whoever typed someone
  else's address at sign-up would get their SSO login: the known takeover);
- an inactive account is never logged into.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution, Membership, MembershipRole, SSOIdentity, User
from accounts.sso.attributes import SSOPerson


class SSOLoginRefused(Exception):
    MISSING_EMAIL = "missing_email"
    UNVERIFIED_LOCAL_ACCOUNT = "unverified_local_account"
    INACTIVE = "inactive"
    EMAIL_TAKEN = "email_taken"

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
    }

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.reason])


def trusts_email(institution: Institution) -> bool:
    return bool((institution.sso_settings or {}).get("trust_email", True))


def linkable_local_user(email: str) -> User | None:
    """The local account that may receive an SSO login for ``email``, or None when there is none.

    Raises :class:`SSOLoginRefused` when an account has the address but never verified it.
    """
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        user = address.user if address else None
    if user is None:
        return None
    if not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
        raise SSOLoginRefused(SSOLoginRefused.UNVERIFIED_LOCAL_ACCOUNT)
    if not user.is_active:
        raise SSOLoginRefused(SSOLoginRefused.INACTIVE)
    return user


def apply_person(user: User, person: SSOPerson, *, new: bool) -> list[str]:
    """Copy names, profile and student number; returns the changed field names.

    Names follow the institution's directory at every login; the profile is
    only set when empty, since staff may have corrected it.
    """
    changed = []
    for name in ("first_name", "last_name", "student_number"):
        value = getattr(person, name)
        if value and getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if person.profile and (new or not user.profile):
        user.profile = person.profile
        changed.append("profile")
    return changed


def ensure_membership(user: User, institution: Institution) -> None:
    Membership.objects.get_or_create(user=user, institution=institution, defaults={"role": MembershipRole.MEMBER})


@transaction.atomic
def cas_user_for(*, institution: Institution, person: SSOPerson) -> tuple[User, bool]:
    """The user a validated CAS login is, creating or linking it; ``(user, created)``."""
    from allauth.account.models import EmailAddress

    identity = (
        SSOIdentity.objects.select_for_update()
        .select_related("user")
        .filter(institution=institution, subject=person.subject)
        .first()
    )
    created = False
    if identity is not None:
        user = identity.user
        if not user.is_active:
            raise SSOLoginRefused(SSOLoginRefused.INACTIVE)
        changed = apply_person(user, person, new=False)
        if changed:
            user.save(update_fields=changed)
    else:
        if not person.email:
            raise SSOLoginRefused(SSOLoginRefused.MISSING_EMAIL)
        user = linkable_local_user(person.email)
        if user is not None and not trusts_email(institution):
            raise SSOLoginRefused(SSOLoginRefused.EMAIL_TAKEN)
        if user is None:
            user = User(email=person.email)
            user.set_unusable_password()
            apply_person(user, person, new=True)
            user.save()
            created = True
            if trusts_email(institution):
                EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        else:
            changed = apply_person(user, person, new=False)
            if changed:
                user.save(update_fields=changed)
        identity = SSOIdentity(institution=institution, subject=person.subject, user=user)
    identity.attributes = person.raw
    identity.last_login_at = timezone.now()
    identity.save()
    ensure_membership(user, institution)
    return user, created
