"""Render many mails of one template and language by rendering the template once.

A sweep writes thousands of mails that differ only by their values (a
title, a date, a link): rendering Django's template for each costs more than
everything else the sweep does. ``render_many`` renders the template once per
*shape* — the same context where each printable value is replaced by a
marker, keeping what the template's ``{% if %}`` and ``{% for %}`` read
(truthiness, list lengths) — then puts each mail's values in place of the
markers, escaped for HTML.

It only does so when it is provably the same: the first mail of each shape
is also rendered the plain way and compared; any difference (a filter that
changes a value, a value read through an object, a ``safe`` string) and the
whole shape is rendered mail by mail. Values that a filter could treat
differently from a marker (line breaks, safe strings) are kept as they are,
so they make their own shape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData
from django.utils.translation import override

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: never in a real value (checked)
_MARKER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_DROPPED = object()


def _markable(value: str) -> bool:
    return bool(value) and "\n" not in value and "\r" not in value and _OPEN not in value and _CLOSE not in value


def _skeleton(value: Any, values: list[str]) -> tuple[Any, Any]:
    """(the value with markers, its shape key); printable values go to ``values``."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, SafeData):
        return value, ("safe", str(value))
    if isinstance(value, str):
        if not _markable(value):
            return value, ("literal", value)
        values.append(value)
        return f"{_OPEN}{len(values) - 1}{_CLOSE}", "s"
    if isinstance(value, bool) or value is None:
        return value, value
    if isinstance(value, int | float):
        if not value:
            return value, value
        values.append(str(value))
        return f"{_OPEN}{len(values) - 1}{_CLOSE}", "n"
    if isinstance(value, list | tuple):
        pairs = [_skeleton(item, values) for item in value]
        return type(value)(p[0] for p in pairs), (type(value).__name__, tuple(p[1] for p in pairs))
    if isinstance(value, Mapping):
        pairs = {key: _skeleton(item, values) for key, item in value.items()}
        return {k: p[0] for k, p in pairs.items()}, ("dict", tuple((k, p[1]) for k, p in pairs.items()))
    return _DROPPED, "object"  # a model instance and the like: rendered without it, then checked


def _fill(rendered: str, values: list[str], *, escape: bool) -> str:
    if escape:
        return _MARKER.sub(lambda m: str(conditional_escape(values[int(m[1])])), rendered)
    return _MARKER.sub(lambda m: values[int(m[1])], rendered)


def _templates(name: str) -> list[Any]:
    found = [get_template(f"{name}.txt")]
    try:
        found.append(get_template(f"{name}.html"))
    except TemplateDoesNotExist:
        found.append(None)
    return found


def render_one(name: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """(text, html) of ``name``.txt / ``name``.html (html "" when there is none)."""
    text, html = _templates(name)
    return text.render(dict(context)), html.render(dict(context)) if html is not None else ""


# (template, language, shape) → its rendering with markers, once checked against a plain
# rendering; False when that check failed. Only for shapes made of plain values (no object
# the template could read something else from, mail after mail): a process renders each
# such shape once, not once per call — the inbound pipeline's acknowledgements come one
# per call. Emptied when settings change (tests) and when full.
_checked: dict[tuple[str, str, Any], tuple[str, str] | bool] = {}
_CHECKED_MAX = 512


@receiver(setting_changed)
def _forget_checked(**kwargs: Any) -> None:
    _checked.clear()


def _holds_object(shape: Any) -> bool:
    if isinstance(shape, tuple):
        return any(_holds_object(part) for part in shape)
    return shape == "object"


def render_many(name: str, language: str, contexts: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(text, html) for each context, in ``language``: the template rendered once per shape."""
    text_template, html_template = _templates(name)
    results: list[tuple[str, str] | None] = [None] * len(contexts)
    with override(language):
        shapes: dict[Any, list[tuple[int, list[str], dict[str, Any]]]] = {}
        for index, context in enumerate(contexts):
            values: list[str] = []
            pairs = {key: _skeleton(value, values) for key, value in context.items()}
            skeleton = {key: p[0] for key, p in pairs.items() if p[0] is not _DROPPED}
            key = tuple((k, p[1]) for k, p in pairs.items())
            shapes.setdefault(key, []).append((index, values, skeleton))
        for key, members in shapes.items():
            plain_values = not _holds_object(key)
            checked = _checked.get((name, language, key)) if plain_values else None
            if checked is None and len(members) == 1 and not plain_values:
                checked = False  # one mail, nothing to share: the plain way only
            if checked is None:
                skeleton = members[0][2]
                text = text_template.render(skeleton)
                html = html_template.render(skeleton) if html_template is not None else ""
                first_index, first_values, _ = members[0]
                first = render_one(name, contexts[first_index])
                same = first == (_fill(text, first_values, escape=False), _fill(html, first_values, escape=True))
                checked = (text, html) if same else False
                results[first_index] = first
                if plain_values:
                    if len(_checked) >= _CHECKED_MAX:
                        _checked.clear()
                    _checked[(name, language, key)] = checked
            for index, values, _ in members:
                if results[index] is not None:
                    continue
                if checked:
                    text, html = checked
                    results[index] = (_fill(text, values, escape=False), _fill(html, values, escape=True))
                else:  # the template does something the markers cannot stand for: the plain way
                    results[index] = render_one(name, contexts[index])
    return results  # type: ignore[return-value]
