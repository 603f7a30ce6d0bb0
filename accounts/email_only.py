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
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower

from accounts.models import User
from helpdesk.rows import fetch_one


def user_for_email(email: str, *, name: str = "") -> tuple[User, bool]:
    """The user with this address (case-insensitive), or a new email-only
    account; ``(user, created)``."""
    email = email.strip().lower()
    user = _user_by_address(email)
    if user is not None:
        return user, False
    first, _, last = (name or "").strip().partition(" ")
    user = User(email=email, first_name=first[:150], last_name=last.strip()[:150], is_email_only=True)
    user.set_unusable_password()
    if connection.vendor == "postgresql":
        if not _insert_with_address(user):  # created meanwhile by a concurrent delivery
            return User.objects.alias(email_lower=Lower("email")).get(email_lower=email), False
    else:
        try:
            with transaction.atomic():
                user.save()
                EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
        except IntegrityError:  # created meanwhile by a concurrent delivery
            return User.objects.alias(email_lower=Lower("email")).get(email_lower=email), False
    # A new account works in no service, follows no institution and belongs to none: its role
    # checks (the filing's mails ask whether the requester is an agent) and its institution (the
    # ticket records it) need not read that (issue 22).
    user._work_ids = {"service": frozenset(), "correspondent": frozenset()}
    user.primary_membership = None
    user.is_new_email_only = True  # see ``tickets.workflow.filing``: no membership to read
    return user, True


def _user_by_address(email: str) -> User | None:
    """As ``User.objects.alias(email_lower=Lower("email")).filter(email_lower=email).first()``, the
    statement written once (inbound mail looks every sender up: the ORM's compiling of it cost
    five times the database's answer, issue 22). lower(email) = …: read through the unique index
    on lower(email) (iexact's UPPER() is not)."""
    return fetch_one(User, f"lower(t.{connection.ops.quote_name('email')}) = %s", [email])


def _insert_with_address(user: User) -> bool:
    """PostgreSQL: the account and its (unverified, primary) address in one statement, without a
    savepoint — ``ON CONFLICT DO NOTHING`` stands for the ``IntegrityError`` of a concurrent
    delivery that created the same account (then nothing is written and False is returned). As
    ``user.save()`` then ``EmailAddress.objects.create``, in one round trip instead of four
    (savepoint, two INSERTs, release); neither model has save receivers (a test checks it)."""
    quote = connection.ops.quote_name
    fields = [f for f in User._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(user, True), connection) for f in fields]
    address = EmailAddress._meta
    sql = (
        f"WITH new_user AS (INSERT INTO {quote(User._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING RETURNING {quote(User._meta.pk.column)}), "
        f"address AS (INSERT INTO {quote(address.db_table)} "
        f"({quote(address.get_field('user').column)}, {quote('email')}, {quote('verified')}, {quote('primary')}) "
        f"SELECT {quote(User._meta.pk.column)}, %s, false, true FROM new_user) "
        f"SELECT {quote(User._meta.pk.column)} FROM new_user"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, user.email])
        row = cursor.fetchone()
    if row is None:
        return False
    user.pk = row[0]
    user._state.adding = False
    user._state.db = connection.alias
    return True


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
