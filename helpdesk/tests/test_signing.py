"""Signed ticket links: valid, tampered, expired, revoked."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from helpdesk.signing import (
    LINK_PATH_PREFIX,
    SignedLinkExpired,
    SignedLinkInvalid,
    SignedLinkRevoked,
    check_ticket_link,
    make_ticket_link,
    make_ticket_token,
    revoke_ticket_link,
    revoke_ticket_links,
)

pytestmark = pytest.mark.django_db


def token_of(path: str) -> str:
    assert path.startswith(LINK_PATH_PREFIX)
    return path.removeprefix(LINK_PATH_PREFIX)


def test_ticket_link_opens_its_ticket_for_its_user(requester):
    path = make_ticket_link(ticket_reference=42, user_id=requester.pk)
    assert check_ticket_link(token_of(path)) == (42, requester.pk)


def test_ticket_link_tampered_is_invalid(requester):
    token = make_ticket_token(ticket_reference=42, user_id=requester.pk)
    with pytest.raises(SignedLinkInvalid):
        check_ticket_link(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(SignedLinkInvalid):
        check_ticket_link("not-a-token")


def test_ticket_link_signed_with_another_key_is_invalid(requester, settings):
    token = make_ticket_token(ticket_reference=42, user_id=requester.pk)
    settings.SECRET_KEY = "another-key-" + "z" * 40
    with pytest.raises(SignedLinkInvalid):
        check_ticket_link(token)


def test_ticket_link_expires_after_max_age(requester):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = make_ticket_token(ticket_reference=42, user_id=requester.pk, max_age_days=30)
        traveller.shift(timedelta(days=30) - timedelta(seconds=1))
        assert check_ticket_link(token) == (42, requester.pk)
        traveller.shift(timedelta(seconds=1))
        with pytest.raises(SignedLinkExpired):
            check_ticket_link(token)


def test_revoking_one_link_keeps_the_others(requester):
    first = make_ticket_token(ticket_reference=42, user_id=requester.pk)
    second = make_ticket_token(ticket_reference=42, user_id=requester.pk)
    revoke_ticket_link(first)
    with pytest.raises(SignedLinkRevoked):
        check_ticket_link(first)
    assert check_ticket_link(second) == (42, requester.pk)


def test_revoking_a_ticket_links_spares_other_tickets_and_new_links(requester, colleague):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        old = make_ticket_token(ticket_reference=42, user_id=requester.pk)
        other_ticket = make_ticket_token(ticket_reference=43, user_id=requester.pk)
        other_user = make_ticket_token(ticket_reference=42, user_id=colleague.pk)
        traveller.shift(1)
        revoke_ticket_links(user_id=requester.pk, ticket_reference=42)
        traveller.shift(1)
        new = make_ticket_token(ticket_reference=42, user_id=requester.pk)
        with pytest.raises(SignedLinkRevoked):
            check_ticket_link(old)
        assert check_ticket_link(other_ticket) == (43, requester.pk)
        assert check_ticket_link(other_user) == (42, colleague.pk)
        assert check_ticket_link(new) == (42, requester.pk)


def test_revoking_all_links_of_a_user(requester, django_assert_num_queries):
    tokens = [make_ticket_token(ticket_reference=ref, user_id=requester.pk) for ref in (1, 2, 3)]
    revoke_ticket_links(user_id=requester.pk)
    for token in tokens:
        with pytest.raises(SignedLinkRevoked), django_assert_num_queries(1):
            check_ticket_link(token)
