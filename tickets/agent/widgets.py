"""Choice widgets that write their options in Python.

Django renders each option through an included template, which includes the attributes
template in turn: two template renders per option. The queue's filter form offers 60 to 160
options (services, members, categories, institutions, statuses), which cost about 8 ms of the
page (issue 22); written in one template per widget they still cost 2–3 ms, a template
variable for each attribute of each option. These widgets write the same HTML in Python,
escaped as the templates escaped it and stripped as the form renderer strips it
(``test_widgets`` checks it is Django's, character for character, for selects and
checkboxes, with groups, selected values and attributes).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe

from helpdesk.widget_html import attrs as _attrs
from helpdesk.widget_html import formatted as _formatted
from helpdesk.widget_html import text as _text


class InlineSelect(forms.Select):
    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in group_choices:
                out.append(
                    f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{_text(option['label'])}</option>\n"
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 - every value went through escape()


class InlineCheckboxes(forms.CheckboxSelectMultiple):
    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        widget_id, widget_class = widget["attrs"].get("id"), widget["attrs"].get("class")
        out = ["<div"]
        if widget_id:
            out.append(f' id="{_text(widget_id)}"')
        if widget_class:
            out.append(f' class="{_text(widget_class)}"')
        out.append(">")
        for group, options, _index in widget["optgroups"]:
            if group:
                out.append(f"\n  <div><label>{_text(group)}</label>")
            for option in options:
                out.append("<div>\n    ")
                option_id = option["attrs"].get("id")
                if option["wrap_label"]:
                    out.append(f'<label for="{_text(option_id)}">' if option_id else "<label>")
                out.append(f'<input type="{_text(option["type"])}" name="{_text(option["name"])}"')
                if option["value"] is not None:
                    out.append(f' value="{_formatted(option["value"])}"')
                out.append(f"{_attrs(option['attrs'])}>\n")
                if option["wrap_label"]:
                    out.append(f" {_text(option['label'])}</label>")
                out.append("\n\n</div>")
            if group:
                out.append("\n  </div>")
        out.append("\n</div>")
        return mark_safe("".join(out))  # noqa: S308 - every value went through escape()
