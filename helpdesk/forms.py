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

from helpdesk.widget_html import FORMS, WRITERS


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

    def __init__(self) -> None:
        super().__init__()
        self._own: dict[str, bool] = {}  # template name → the one found is Django's (not overridden)

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        """The simplest widgets written in Python (``helpdesk.widget_html``), the rest by their templates."""
        writer = WRITERS.get(template_name)
        if writer is not None and self._is_djangos(template_name):
            html = writer(context)
            if html is not None:
                return html
        return super().render(template_name, context, request=request)

    def _is_djangos(self, template_name: str) -> bool:
        own = self._own.get(template_name)
        if own is None:
            origin = self.get_template(template_name).origin.name
            own = self._own[template_name] = str(origin) == str(FORMS / template_name)
        return own
