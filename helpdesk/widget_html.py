"""The simplest widget templates of Django, written in Python: the same HTML, character for character.

Django renders every ``<input>`` through ``input.html``, which includes ``attrs.html``: two templates and a
loop of variables for each field. On the agent's ticket page the reply box's three fields cost ~0.7 ms of
CPU that way, an eighth of the page (issue 22); on the filing form more. An empty error list (every
``{{ field.errors }}``) renders two templates too, to write nothing. ``GuichetFormRenderer`` answers
the templates below with these functions when the template it would use is Django's own (not overridden
in ``templates/``) and is, byte for byte, the one they were written from (``KNOWN``: a newer Django that
changes them falls back to the templates). ``helpdesk/tests/test_widget_html.py`` compares both outputs.
The escaping is the templates': ``{{ value }}`` escapes unless the value is safe, and so does
``{{ value|stringformat:'s' }}``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django.forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

FORMS = Path(django.forms.__file__).parent / "templates"
WIDGETS = FORMS / "django" / "forms" / "widgets"
INCLUDE_INPUT = '{% include "django/forms/widgets/input.html" %}'


def text(value: Any) -> str:
    """``{{ value }}``: escaped unless already safe."""
    return conditional_escape(value)


def formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: ``"%s" % value``, escaped unless the value was safe."""
    return value if isinstance(value, SafeData) else escape("%s" % (value,))  # noqa: UP031 - the filter's own formatting


def attrs(values: dict[str, Any]) -> str:
    """``attrs.html``: ``False`` leaves the attribute out, ``True`` writes its name."""
    parts = []
    for name, value in values.items():
        if value is False:
            continue
        parts.append(f" {text(name)}" if value is True else f' {text(name)}="{formatted(value)}"')
    return "".join(parts)


def _input(context: dict[str, Any]) -> str:
    widget = context["widget"]
    value = "" if widget["value"] is None else f' value="{formatted(widget["value"])}"'
    return f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{value}{attrs(widget["attrs"])}>'


def _textarea(context: dict[str, Any]) -> str:
    widget = context["widget"]
    body = text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{text(widget["name"])}"{attrs(widget["attrs"])}>\n{body}</textarea>'


def _file_input(context: dict[str, Any]) -> str | None:
    """``clearable_file_input.html`` for a field holding no file yet (else: the template)."""
    widget = context["widget"]
    if widget.get("is_initial"):
        return None
    return f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{attrs(widget["attrs"])}>'


def _no_errors(context: dict[str, Any]) -> str | None:
    """``errors/list/default.html`` (``ul.html``) of a field without errors: nothing (else: the template).
    Each ``{{ field.errors }}`` renders it, errors or not."""
    return "" if not context["errors"] else None


# The templates these functions were written from (Django 5.2), by their SHA-256.
KNOWN = {
    "widgets/input.html": "770cf3acba1c18b65021a19efbf5fc93bcfcee357a005b67dbc2e2967527507d",
    "widgets/attrs.html": "f729483efe44660fabc76a8f2e0a1b464c3a66afd625233c92dd74e8fa5261ad",
    "widgets/textarea.html": "02fd58fa1a57514d808eb867522be064528d04b7700926527ae4a60aa9829030",
    "widgets/clearable_file_input.html": "d5dbf8c6d8a4eae9bf9b32b5b2451117f9f81b5b75ca5bb3890bb65166ba7d7f",
    "errors/list/default.html": "2a6c759f0af3438f4c68ff3419dd7b182e53407e01edda166b72376b35efa070",
    "errors/list/ul.html": "84f81a22e37d9f5a6f7726c4b3acca2bf3a416284831b4dbe7291c4d0940484c",
}


def _digest(name: str) -> str:
    return hashlib.sha256((FORMS / "django" / "forms" / name).read_bytes()).hexdigest()


def _writers() -> dict[str, Callable[[dict[str, Any]], str | None]]:
    """Template name → function, for the templates found unchanged (none when Django's differ)."""
    if any(_digest(name) != digest for name, digest in KNOWN.items()):
        return {}
    writers: dict[str, Callable[[dict[str, Any]], str | None]] = {
        "django/forms/widgets/input.html": _input,
        "django/forms/widgets/textarea.html": _textarea,
        "django/forms/widgets/clearable_file_input.html": _file_input,
        "django/forms/errors/list/default.html": _no_errors,
        "django/forms/errors/list/ul.html": _no_errors,
    }
    for path in sorted(WIDGETS.glob("*.html")):  # text.html, hidden.html, email.html…: input.html by name
        if path.read_text().strip() == INCLUDE_INPUT:
            writers[f"django/forms/widgets/{path.name}"] = _input
    return writers


WRITERS = _writers()
