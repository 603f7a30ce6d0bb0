"""The project's form renderer: one field template for every app.

Every form field is rendered by ``templates/forms/field.html`` through
``{{ field.as_field_group }}``, so required marks, help texts and errors look
and are announced the same way on the filing form, the ticket actions, the
knowledge base, the preferences and allauth's pages.
"""

from __future__ import annotations

from typing import Any

from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting


class GuichetBoundField(BoundField):
    """Adds ``aria-required`` next to ``required``: also said where the browser ignores ``required``."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.field.required and not widget.is_hidden and not self.use_fieldset:
            attrs["aria-required"] = "true"
        return attrs

    @property
    def anchor_id(self) -> str:
        """The id of the element an error summary links to: the input, or the first choice of a group."""
        if self.use_fieldset:
            return f"{self.auto_id}_0"
        return self.id_for_label or self.auto_id


class GuichetFormRenderer(TemplatesSetting):
    """Templates from the project's ``TEMPLATES`` (so ``templates/forms/`` overrides Django's)."""

    field_template_name = "forms/field.html"
    bound_field_class = GuichetBoundField
