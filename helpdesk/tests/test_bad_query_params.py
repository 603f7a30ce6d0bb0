"""No query string gives a 5xx, on any URL of the project (issue 14, low 13).

The test walks every pattern of the URLconf, fills its path converters with
objects of the test data, and asks each URL as an anonymous visitor, a
requester and an agent. It discovers the GET parameters a view reads by
recording the keys looked up in ``request.GET`` (with one probe parameter so
that ``request.GET or None`` binds the view's form), then sends each of them
a NUL byte, huge and negative numbers and a 10 kB string. A 400, a form error
or an empty result are fine; a server error or an exception is not.
"""

from __future__ import annotations

import re

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver

from helpdesk.signing import make_ticket_link
from knowledge.models import Article, ArticleStatus
from tickets import workflow as wf
from tickets.models import SavedFilter, SavedResponse
from tickets.tests.conftest import PNG, checked, make_ticket  # noqa: F401 - the ticket factory fixture

BAD_VALUES = {
    "nul": "a\x00b",
    "huge": "9" * 30,
    "big": "999999999",
    "negative": "-999999999999",
    "long": "x" * 10_240,
}
# Sent with every request: a probe, so that ``request.GET or None`` binds the view's
# form, and a search so that a view reading ``page`` only for a search reads it.
PROBE = {"probe": "1", "q": "imprimante"}


class RecordingQueryDict(QueryDict):
    """A ``QueryDict`` that notes the keys a view looks up."""

    def _note(self, key: str) -> None:
        seen = self.__dict__.get("seen")  # not yet set while ``__init__`` fills the dict
        if seen is not None:
            seen.add(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


@pytest.fixture
def read_params(monkeypatch) -> set[str]:
    """The GET keys looked up since the last ``clear()``."""
    seen: set[str] = set()

    def get(request):
        if "_recorded_get" not in request.__dict__:
            query = RecordingQueryDict(request.environ.get("QUERY_STRING", ""), encoding=request._encoding)
            query.seen = seen
            request.__dict__["_recorded_get"] = query
        return request.__dict__["_recorded_get"]

    def set_(request, value):
        request.__dict__["_recorded_get"] = value

    monkeypatch.setattr(WSGIRequest, "GET", property(get, set_))
    return seen


def url_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """``(route, name, pattern)`` for every pattern of the URLconf."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from url_patterns(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            assert isinstance(p, URLPattern)
            yield prefix + str(p.pattern), f"{namespace}{p.name}" if p.name else "", p


def fill(route: str, name: str, values: dict[str, str]) -> str:
    """A concrete path for ``route``: converters and regex groups filled with ``values``."""

    def value(arg: str) -> str:
        return values.get(f"{name}.{arg}") or values.get(arg) or "1"

    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m.group(1)), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: value(m.group(1)), path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def get(client, path: str, params: dict):
    response = client.get(path, params)
    if response.streaming:  # a download: read it, so that the client closes the file
        b"".join(response.streaming_content)
    return response


@pytest.fixture
def world(make_ticket, requester, agent, manager, category, institution, service):  # noqa: F811 - the fixture
    ticket = make_ticket(files=[checked("capture.png", PNG)])
    wf.ticket_take(ticket=ticket, actor=agent)
    article = Article.objects.create(
        title="Imprimante", problem="Bloquée.", solution="Redémarrer.", status=ArticleStatus.PUBLISHED,
        category=category,
    )  # fmt: skip
    response = SavedResponse.objects.create(service=service, title="Bonjour", body="Bonjour {prenom}")
    saved = SavedFilter.objects.create(user=agent, name="Mes urgentes", query="priority=1")
    link = make_ticket_link(ticket_reference=ticket.reference, user_id=requester.pk)
    return {
        "reference": str(ticket.reference),
        "slug": category.slug,
        "code": institution.code,
        "token": link.removeprefix("/lien/"),
        "tickets:attachment.pk": str(ticket.attachments.get().pk),
        "knowledge:article.pk": str(article.pk),
        "knowledge:helpful.pk": str(article.pk),
        "knowledge:review_edit.pk": str(article.pk),
        "agent:response_edit.pk": str(response.pk),
        "agent:delete_filter.pk": str(saved.pk),
    }


def test_url_walk_fills_our_patterns(world):
    """The walk reaches our pages, not only 404s: each filled path of our apps resolves to an object."""
    paths = {name: fill(route, name, world) for route, name, _ in url_patterns()}
    assert paths["agent:ticket"] == f"/traitement/{world['reference']}/"
    assert paths["tickets:attachment"].endswith(f"/pieces-jointes/{world['tickets:attachment.pk']}/")
    assert paths["catalogue:category"] == f"/catalogue/{world['slug']}/"


@pytest.mark.parametrize("who", ["anonymous", "requester", "agent"])
def test_no_query_string_gives_a_server_error(request, who, world, client_for, read_params):
    client = client_for(None if who == "anonymous" else request.getfixturevalue(who))
    failures, fuzzed = [], 0
    for route, name, _ in url_patterns():
        if route.startswith("admin/") and who != "anonymous":
            continue  # only administrators pass the admin's gate; anonymous visitors check it holds
        path = fill(route, name, world)
        read_params.clear()
        first = get(client, path, PROBE)
        assert first.status_code < 500, (path, first.status_code)
        for param in sorted(read_params - set(PROBE)):
            for label, bad in BAD_VALUES.items():
                fuzzed += 1
                try:
                    status = get(client, path, {**PROBE, param: bad}).status_code
                except Exception as exc:  # any exception is the failure being looked for
                    failures.append((path, param, label, repr(exc)[:200]))
                else:
                    if status >= 500:
                        failures.append((path, param, label, status))
    assert failures == [], "\n".join(map(str, failures))
    assert fuzzed > 0
