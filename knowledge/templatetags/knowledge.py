"""``{% faq_for_category category %}`` for the catalogue leaf page, and display helpers."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from knowledge import selectors

register = template.Library()

SCRUB_KINDS = {
    "name": _("nom"),
    "email": _("courriel"),
    "phone": _("téléphone"),
    "student_number": _("numéro étudiant"),
    "address": _("adresse"),
    "personal": _("donnée personnelle"),
    "link": _("lien personnel"),
    "review": _("à relire : semble encore personnel"),
}
FIELD_LABELS = {"title": _("titre"), "problem": _("problème"), "solution": _("solution"), "codes": _("codes")}


@register.inclusion_tag("knowledge/includes/faq_for_category.html")
def faq_for_category(category, heading_level: int = 2) -> dict:
    """The FAQ entries of a catalogue leaf (and of the groups above it), before "file a request"."""
    return {"category": category, "entries": selectors.faq_for_category(category), "heading_level": heading_level}


@register.filter
def scrub_kind(kind: str) -> str:
    return SCRUB_KINDS.get(kind, kind)


@register.filter
def article_field(name: str) -> str:
    return FIELD_LABELS.get(name, name)
