"""``user_for_email``: a known address finds its user, an unknown one makes an email-only account."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from accounts import email_only
from accounts.email_only import user_for_email
from accounts.models import User


def test_a_known_address_finds_its_user_whatever_the_case(requester):
    assert user_for_email("  Requester@EXAMPLE.org ") == (requester, False)


def test_an_unknown_address_makes_an_email_only_account_with_its_address(db):
    user, created = user_for_email("New.Person@Example.net", name="Nouvelle Personne")
    stored = User.objects.get(pk=user.pk)
    assert (created, stored.email, stored.first_name, stored.last_name) == (
        True,
        "new.person@example.net",
        "Nouvelle",
        "Personne",
    )
    assert (stored.is_email_only, stored.has_usable_password(), stored.is_active) == (True, False, True)
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("new.person@example.net", False, True)
    ]


def test_a_new_account_answers_its_role_and_institution_questions_without_a_query(db, django_assert_num_queries):
    user, _created = user_for_email("new.person@example.net")
    with django_assert_num_queries(0):
        assert (user.service_ids, user.correspondent_institution_ids, user.institution) == (
            frozenset(),
            frozenset(),
            None,
        )


def test_an_account_created_meanwhile_by_a_concurrent_delivery_is_returned(requester, monkeypatch):
    """The look-up missed it (another delivery created it since): the creation finds it taken."""
    monkeypatch.setattr(email_only, "_user_by_address", lambda email: None)
    assert user_for_email("requester@example.org") == (requester, False)
    assert User.objects.filter(email="requester@example.org").count() == 1
    assert EmailAddress.objects.filter(email="requester@example.org").count() <= 1
