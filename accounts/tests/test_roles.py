"""One role vocabulary, one table: each role of the cast × what it may reach.

Written from DESIGN.md: the agent workspace is for agents, managers and
administrators; saved responses, the knowledge base's editorial review and its
statistics for managers and administrators; drafts for administrators and the
service handling the article's category.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts import roles
from knowledge.models import Article, ArticleStatus

CAST = ["requester", "colleague", "outsider", "agent", "other_agent", "manager", "admin", "anonymous"]
STAFF = {"agent", "other_agent", "manager", "admin"}
EDITORS = {"manager", "admin"}

# capability -> roles that have it
PREDICATES = {
    roles.is_admin: {"admin"},
    roles.is_agent: {"agent", "other_agent", "manager"},
    roles.is_manager: {"manager"},
    roles.is_helpdesk_staff: STAFF,
    roles.can_edit_articles: EDITORS,
}
# page -> roles that get it (others: 404, or the login page for anonymous visitors)
PAGES = {
    "agent:queue": STAFF,
    "agent:search": STAFF,
    "agent:journal": STAFF,
    "agent:responses": STAFF,  # every agent keeps personal saved responses
    "knowledge:agent_search": STAFF,
    "knowledge:review_list": EDITORS,
    "knowledge:deflection_stats": EDITORS,
}


@pytest.fixture
def cast(requester, colleague, outsider, agent, other_agent, manager, admin):
    return {**locals(), "anonymous": AnonymousUser()}


@pytest.mark.django_db
@pytest.mark.parametrize("role", CAST)
def test_role_capability_table(role, cast, client_for, category):
    user = cast[role]
    assert {p.__name__: p(user) for p in PREDICATES} == {p.__name__: role in who for p, who in PREDICATES.items()}

    client = client_for(None if role == "anonymous" else user)
    expected = {name: (200 if role in who else 302 if role == "anonymous" else 404) for name, who in PAGES.items()}
    assert {name: client.get(reverse(name)).status_code for name in PAGES} == expected

    # Drafts are for administrators and the service handling the article's category.
    draft = Article.objects.create(title="Brouillon", problem="p", solution="s", category=category)
    orphan = Article.objects.create(title="Sans catégorie", problem="p", solution="s")
    published = Article.objects.create(title="Publié", problem="p", solution="s", status=ArticleStatus.PUBLISHED)
    sees = {"admin": {draft, orphan, published}, "agent": {draft, published}, "manager": {draft, published}}
    assert set(Article.objects.visible_to(user)) == sees.get(role, {published})
    edits = {"admin": {draft, orphan, published}, "manager": {draft}}
    assert set(Article.objects.editable_by(user)) == edits.get(role, set())


@pytest.mark.django_db
def test_roles_are_false_for_inactive_accounts(admin, manager):
    for user in (admin, manager):
        user.is_active = False
        user.save()
        assert [p(user) for p in PREDICATES] == [False] * len(PREDICATES)
