"""Small display helpers for ticket templates."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import localize

register = template.Library()


@register.filter
def form_value(value: Any) -> str:
    """A category form value for display: lists joined, empty shown as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(localize(value))


@register.filter
def status_label(code: str) -> str:
    from tickets.status import TicketStatus

    try:
        return str(TicketStatus(code).label)
    except ValueError:
        return code
