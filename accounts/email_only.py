"""Accounts of people who only ever wrote an email.

Inbound email files a ticket for whoever writes to a service address. A
sender without an account gets a light one: no usable password, the address
recorded but not verified (``is_email_only``). Signed links in our mails let
them open their ticket; to sign in they claim the account by proving they
read that mailbox — a password reset (or a sign-up on the same address,
which allauth answers with a reset link) verifies the address and turns the
account into an ordinary one (``claim_email_only_account``).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from accounts.models import User


def user_for_email(email: str, *, name: str = "") -> tuple[User, bool]:
    """The user with this address (case-insensitive), or a new email-only
    account; ``(user, created)``."""
    email = email.strip().lower()
    # lower(email) = …: read through the unique index on lower(email) (iexact's UPPER() is not).
    user = User.objects.alias(email_lower=Lower("email")).filter(email_lower=email).first()
    if user is not None:
        return user, False
    first, _, last = (name or "").strip().partition(" ")
    try:
        with transaction.atomic():
            user = User(email=email, first_name=first[:150], last_name=last.strip()[:150], is_email_only=True)
            user.set_unusable_password()
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    except IntegrityError:  # created meanwhile by a concurrent delivery
        return User.objects.alias(email_lower=Lower("email")).get(email_lower=email), False
    # A new account works in no service and follows no institution: its role checks (the filing's
    # mails ask whether the requester is an agent) need not read that (issue 22).
    user._work_ids = {"service": frozenset(), "correspondent": frozenset()}
    return user, True


def claim_email_only_account(user: User) -> bool:
    """The owner proved they read the address: verify it, end the email-only state.

    Returns True when the account was an email-only one."""
    if not user.is_email_only:
        return False
    with transaction.atomic():
        address, _ = EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        if not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
        user.is_email_only = False
        user.save(update_fields=["is_email_only"])
    return True
