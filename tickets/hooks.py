"""What the apps above ``tickets`` lend to it, without ``tickets`` importing them.

``tickets`` sits below the knowledge base and inbound mail in the app graph
(accounts → catalogue → tickets → {inbound, knowledge}): those apps fill these
in their ``AppConfig.ready``. Unfilled (an app not installed), the pages simply
offer no suggestion and find no article, and the orphan-file purge knows only
this app's files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


class ArticleLike(Protocol):
    pk: int
    title: str

    def get_absolute_url(self) -> str: ...


@dataclass
class Hooks:
    # Attributes of the filing form's title input that ask for live suggestions (htmx), per category.
    title_input_attrs: Callable[[Any], dict[str, str]] = lambda category: {}
    # Published articles matching the words of a query, best first, at most ``limit``.
    search_articles: Callable[[str, int], Sequence[ArticleLike]] = lambda query, limit: []
    # One published article by id, or None.
    published_article: Callable[[int], ArticleLike | None] = lambda pk: None
    # Storage folder -> the names among the given ones that a row of that app still refers to
    # (``tickets.uploads.purge_orphan_files`` deletes the others).
    file_references: dict[str, Callable[[list[str]], set[str]]] = field(default_factory=dict)
    # A staff member opened a ticket's personal data: ``record_access(user=, ticket=, kind=, request=,
    # detail=)`` with kind "page", "attachment", "search" or "export" (the privacy app's audit trail
    # fills it); ``record_accesses(user=, tickets=<queryset or ids>, kind=, request=, detail=)`` for many.
    record_access: Callable[..., Any] = lambda **kwargs: None
    record_accesses: Callable[..., Any] = lambda **kwargs: 0
    # ``scrub_text(text, names=[(first, last)…], values=[…])`` → the text without personal data (the
    # knowledge base's scrubber fills it). Unfilled, anonymisation blanks the whole text: never keep
    # what cannot be cleaned.
    scrub_text: Callable[..., str] = lambda text, **kwargs: ""
    # Functions ``erase(ticket_ids)`` of the apps that keep personal data about tickets outside
    # ``tickets`` (inbound raw mail, quarantine…): the anonymisation door calls each one inside its
    # transaction, for the tickets it anonymises.
    personal_data_erasers: list[Callable[[list[int]], None]] = field(default_factory=list)
    # A closing ticket: a sentence the closure mail adds to invite its requester to rate it, or ""
    # (the statistics app's satisfaction survey fills it).
    closure_invitation: Callable[[Any], str] = lambda ticket: ""


hooks = Hooks()


def register_stored_files(prefix: str, referenced: Callable[[list[str]], set[str]]) -> None:
    """An app stores files under ``prefix``; ``referenced(names)`` returns those its rows still use."""
    hooks.file_references[prefix] = referenced


def register_personal_data_eraser(erase: Callable[[list[int]], None]) -> None:
    """An app keeps personal data about tickets: ``erase(ticket_ids)`` removes it (see ``Hooks``)."""
    if erase not in hooks.personal_data_erasers:
        hooks.personal_data_erasers.append(erase)


def register(**provided: Callable[..., Any]) -> None:
    """Called by an app's ``ready()``: ``register(search_articles=..., ...)``."""
    for name, function in provided.items():
        if not hasattr(hooks, name):
            raise AttributeError(f"tickets.hooks has no {name!r}")
        setattr(hooks, name, function)
