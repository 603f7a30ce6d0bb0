"""``visible_to`` reads as a UNION of index lookups (issue 22); it must stay exactly the rule.

The rule is stated here once more, plainly, over Python objects, and compared with what
``Ticket.objects.visible_to`` and ``requester_side`` return for every role of the cast on a
generated data set: tickets of both services, both institutions and none, every status,
filed by every member of the cast, some watched.
"""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import ProviderOrganisation, User
from catalogue.models import Category
from tickets.models import Ticket, Watcher
from tickets.status import TicketStatus

CAST = ("requester", "colleague", "outsider", "agent", "other_agent", "manager", "admin", "provider_member",
        "other_provider_member")  # fmt: skip


def follows(user, ticket, watched: set[tuple[int, int]], open_ids: frozenset[int]) -> bool:
    """The requester side of the rule: own, watched, or the institution's on a branch open to correspondents."""
    return (
        ticket.requester_id == user.pk
        or (ticket.pk, user.pk) in watched
        or (ticket.institution_id in user.correspondent_institution_ids and ticket.category_id in open_ids)
    )


def sees(user, ticket, watched, open_ids) -> bool:
    """The whole rule: administrators everything, staff their services', providers' members the tickets
    handed to their organisation, everyone what they follow."""
    if user.is_staff or user.is_superuser:
        return True
    handed = ticket.provider_id is not None and ticket.provider_id in user.provider_ids
    return ticket.service_id in user.service_ids or handed or follows(user, ticket, watched, open_ids)


@pytest.mark.django_db
def test_visible_to_is_exactly_the_rule_for_every_role_on_a_generated_data_set(
    request, category, other_category, institution, other_institution
):
    cast = [request.getfixturevalue(name) for name in CAST]
    rng = random.Random(22)  # noqa: S311 (test data, not secrets)
    providers = list(ProviderOrganisation.objects.all())
    assert len(providers) == 2
    Ticket.objects.bulk_create(
        Ticket(
            reference=i + 1,
            title=f"Demande {i}",
            description="x",
            category=(chosen := rng.choice([category, other_category])),
            service_id=chosen.service_id,
            requester=rng.choice(cast),
            institution=rng.choice([institution, other_institution, None]),
            status=rng.choice(TicketStatus.values),
            provider=rng.choice([None, None, *providers]),
        )
        for i in range(240)
    )
    tickets = list(Ticket.objects.all())
    Watcher.objects.bulk_create(
        [Watcher(ticket=rng.choice(tickets), user=rng.choice(cast)) for _ in range(60)], ignore_conflicts=True
    )
    watched = set(Watcher.objects.values_list("ticket_id", "user_id"))
    open_ids = Category.objects.open_to_correspondents_ids()
    for person in cast:
        user = User.objects.get(pk=person.pk)  # fresh role caches
        expected = {t.pk for t in tickets if sees(user, t, watched, open_ids)}
        assert set(Ticket.objects.visible_to(user).values_list("pk", flat=True)) == expected, user
        followed = {t.pk for t in tickets if follows(user, t, watched, open_ids)}
        assert set(Ticket.objects.requester_side(user).values_list("pk", flat=True)) == followed, user
        # The branches the API's list merges: their union is the rule.
        branches = Ticket.objects.visible_branches(user)
        assert set().union(*(set(b.values_list("pk", flat=True)) for b in branches)) == expected, user
        # The requester's own list: both filters together, as the page applies them.
        mine = Ticket.objects.visible_to(user).requester_side(user).open()
        assert set(mine.values_list("pk", flat=True)) == {t.pk for t in tickets if t.is_open} & followed & expected

    assert list(Ticket.objects.visible_to(AnonymousUser())) == []
    assert [list(b) for b in Ticket.objects.visible_branches(AnonymousUser())] == [[]]
