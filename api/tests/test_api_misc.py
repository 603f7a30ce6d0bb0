"""Rate limits, the knowledge base through the API, and service accounts made in the admin."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from api.models import AccessToken, ServiceAccount
from api.throttles import AddressRateThrottle, TokenRateThrottle
from knowledge.models import Article, ArticleStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("throttle", "scope"), [(TokenRateThrottle, "token"), (AddressRateThrottle, "address")])
def test_rate_limit_answers_429_with_retry_after(api_for, requester, monkeypatch, throttle, scope):
    monkeypatch.setattr(throttle, "THROTTLE_RATES", {**throttle.THROTTLE_RATES, scope: "3/min"})
    client = api_for(requester)
    codes = [client.get("/api/v1/tickets/").status_code for _ in range(4)]
    limited = client.get("/api/v1/tickets/")
    assert (codes, limited.status_code, limited["Content-Type"]) == (
        [200, 200, 200, 429],
        429,
        "application/problem+json",
    )
    assert 0 < int(limited["Retry-After"]) <= 60
    assert limited.json()["retry_after"] == int(limited["Retry-After"])


def test_knowledge_base_search_and_article_visibility(api_for, category, requester, agent):
    published = Article.objects.create(
        title="Réinitialiser son mot de passe", problem="Mot de passe oublié", solution="Utilisez le lien.",
        category=category, status=ArticleStatus.PUBLISHED,
    )  # fmt: skip
    draft = Article.objects.create(title="Brouillon mot de passe", problem="p", solution="s", category=category)
    client = api_for(requester)
    found = client.get("/api/v1/kb/articles/?q=mot de passe").json()["results"]
    assert [a["id"] for a in found] == [published.pk]
    assert client.get(f"/api/v1/kb/articles/{published.pk}/").json()["solution"] == "Utilisez le lien."
    assert client.get(f"/api/v1/kb/articles/{draft.pk}/").status_code == 404
    assert api_for(agent).get(f"/api/v1/kb/articles/{draft.pk}/").status_code == 200  # the category's service


def test_admin_creates_a_service_account_and_its_token(client_for, admin, service, api_for):
    client = client_for(admin)
    account_form = {"email": "si-scolarite@example.org", "name": "SI scolarité", "description": "Apogée"}
    response = client.post("/admin/api/serviceaccount/add/", account_form)
    account = ServiceAccount.objects.get()
    assert (response.status_code, account.user.has_usable_password(), account.created_by) == (302, False, admin)
    action = {"action": "create_write_token", "_selected_action": [account.pk]}
    done = client.post("/admin/api/serviceaccount/", action, follow=True)
    (message,) = [str(m) for m in get_messages(done.wsgi_request) if "gch_" in str(m)]
    secret = message.rsplit(" ", 1)[-1]
    token = AccessToken.objects.get(user=account.user)
    assert (secret.startswith("gch_"), token.scope) == (True, "write")
    caller = api_for(None)
    caller.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert caller.get("/api/v1/tickets/").json() == {"results": [], "next": None}
