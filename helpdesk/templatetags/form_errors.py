"""``{% error_summary form other_form %}``: the list of a page's form errors, at the top of the form.

RGAA 11.10/11.11: each error names its field and links to it; the summary
receives focus on load (``static/js/forms.js``) and is announced as an alert
without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms, template

register = template.Library()


@dataclass
class SummaryError:
    message: str
    label: str = ""
    anchor: str = ""


def summary_errors(*all_forms: forms.BaseForm | None) -> list[SummaryError]:
    """Non-field errors first, then one entry per error of each visible field, in form order."""
    errors: list[SummaryError] = []
    for form in all_forms:
        if form is None or not form.is_bound:
            continue
        errors += [SummaryError(message=str(e)) for e in form.non_field_errors()]
        for field in form:
            if field.is_hidden:
                errors += [SummaryError(message=str(e)) for e in field.errors]
                continue
            anchor = getattr(field, "anchor_id", field.id_for_label)
            errors += [SummaryError(message=str(e), label=str(field.label), anchor=anchor) for e in field.errors]
    return errors


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*all_forms: forms.BaseForm | None) -> dict:
    return {"errors": summary_errors(*all_forms)}
