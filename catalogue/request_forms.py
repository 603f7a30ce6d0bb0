"""Build a Django form from a category's ``FormField`` rows.

The tickets app binds this form next to its own ticket form when a requester
files into a leaf, and stores ``serialise_values(form)`` in
``Ticket.form_values``. Every field is validated server-side by Django's own
field classes; ``pattern`` fields add a ``RegexValidator`` anchored on both
ends with the category's message.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from catalogue.models import Category, FieldKind, FormField
from helpdesk.validators import PHONE_VALIDATOR


def _anchored(pattern: str) -> str:
    """Match the whole value: an admin writing ``[0-9]{8}`` means exactly 8 digits."""
    core = pattern
    if core.startswith("^"):
        core = core[1:]
    if core.endswith("$") and not core.endswith(r"\$"):
        core = core[:-1]
    return rf"^(?:{core})\Z"


def build_field(spec: FormField) -> forms.Field:
    # Django renders help_text unescaped; the rows are typed in the admin, so escape them here.
    common: dict[str, Any] = {"label": spec.label, "required": spec.required, "help_text": escape(spec.help_text)}
    kind = spec.kind
    if kind == FieldKind.TEXTAREA:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, **common)
    if kind == FieldKind.INTEGER:
        return forms.IntegerField(**common)
    if kind == FieldKind.DECIMAL:
        return forms.DecimalField(max_digits=18, decimal_places=4, **common)
    if kind == FieldKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if kind == FieldKind.CHOICE:
        choices = [("", "—")] + [(c, c) for c in spec.choice_list]
        return forms.ChoiceField(choices=choices, **common)
    if kind == FieldKind.MULTICHOICE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in spec.choice_list], widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == FieldKind.EMAIL:
        return forms.EmailField(**common)
    if kind == FieldKind.PHONE:
        return forms.CharField(
            max_length=25, validators=[PHONE_VALIDATOR], widget=forms.TextInput(attrs={"type": "tel"}), **common
        )
    if kind == FieldKind.PATTERN and spec.pattern:
        message = spec.pattern_message or _("La valeur saisie n'a pas le format attendu.")
        return forms.CharField(
            max_length=200, validators=[RegexValidator(_anchored(spec.pattern), message=message)], **common
        )
    return forms.CharField(max_length=500, **common)


class RequestForm(forms.Form):
    """Base class of the generated forms; keeps the source rows for display."""

    field_specs: tuple[FormField, ...] = ()


def build_request_form(category: Category) -> type[RequestForm]:
    """Return a form class with one field per ``FormField`` of ``category``, in order."""
    specs = tuple(category.form_fields.all())
    attrs: dict[str, Any] = {spec.key: build_field(spec) for spec in specs}
    attrs["field_specs"] = specs
    return type(f"RequestForm_{category.slug.replace('-', '_')}", (RequestForm,), attrs)


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def serialise_values(form: forms.Form) -> dict[str, Any]:
    """The cleaned values as JSON-safe data: dates in ISO format, decimals as strings.

    Empty optional fields are kept (as ``None``, ``""`` or ``[]``) so that the
    stored dict always has one key per field of the form at filing time.
    """
    return {name: _json_safe(value) for name, value in form.cleaned_data.items()}


def labelled_values(category: Category, values: dict[str, Any]) -> list[tuple[str, Any]]:
    """``(label, value)`` pairs for display, in the form's order; unknown keys last."""
    specs = {spec.key: spec for spec in category.form_fields.all()}
    pairs = [(spec.label, values[key]) for key, spec in specs.items() if key in values]
    pairs += [(key, value) for key, value in values.items() if key not in specs]
    return pairs
