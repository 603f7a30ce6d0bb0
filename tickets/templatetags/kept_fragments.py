"""``{% kept name value… %}…{% endkept %}``: a piece of a page rendered once per process for each set of
values it depends on, in each language and time zone.

For the parts of the agent's pages that are a function of a few values — the status legend (status, état,
origin, lifecycle), the "Autres actions" menu (the ticket and the actions offered), the composer's tabs
(the modes offered and the one chosen), the workspace's subnav (its section, the user's roles and
shortcuts setting), the keyboard shortcuts' help, and the ticket's facts, description
and details (the ticket's id, ``version`` and ``updated``, which every change moves, and the version of
the catalogue rows they name) — and that cost a good part of the page's rendering with their
translations and URLs (issue 22). Whatever the piece shows must follow from the values named: nothing of
the request (no CSRF token, no user but as a named value), nothing the named values do not version.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django import template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

KEPT_FRAGMENTS = 2000  # per process, the most recently used
_kept: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()
_lock = threading.Lock()


class KeptNode(template.Node):
    def __init__(self, name: str, values: list[template.base.FilterExpression], nodelist: template.NodeList):
        self.name, self.values, self.nodelist = name, values, nodelist

    def render(self, context: template.Context) -> str:
        key = (
            self.name, translation.get_language(), timezone.get_current_timezone_name(),
            *(str(value.resolve(context)) for value in self.values),
        )  # fmt: skip
        with _lock:
            html = _kept.get(key)
            if html is not None:
                _kept.move_to_end(key)
                return html
        html = mark_safe(self.nodelist.render(context))  # noqa: S308 - the template's own rendering
        with _lock:
            _kept[key] = html
            while len(_kept) > KEPT_FRAGMENTS:
                _kept.popitem(last=False)
        return html


@register.tag("kept")
def do_kept(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% kept %} takes a name, then the values the piece depends on")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(bits[1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)


def forget() -> None:
    """Empty this process's kept pieces (tests)."""
    with _lock:
        _kept.clear()
