"""What the apps above ``tickets`` lend to its pages, without ``tickets`` importing them.

``tickets`` sits below the knowledge base in the app graph (accounts →
catalogue → tickets → {inbound mail, knowledge}): the knowledge app fills
these in its ``AppConfig.ready``. Unfilled (the knowledge app not installed),
the pages simply offer no suggestion and find no article.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


hooks = Hooks()


def register(**provided: Callable[..., Any]) -> None:
    """Called by an app's ``ready()``: ``register(search_articles=..., ...)``."""
    for name, function in provided.items():
        if not hasattr(hooks, name):
            raise AttributeError(f"tickets.hooks has no {name!r}")
        setattr(hooks, name, function)
