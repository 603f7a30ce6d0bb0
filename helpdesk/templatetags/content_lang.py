"""``{% content_lang %}``: mark content written in another language than the page (RGAA 4, criterion 8.7).

Guichet's interface is translated, but what people type — catalogue names and
descriptions, FAQ entries, articles — stays in the language it was written in
(French unless an article says otherwise). On a page in another language, the
element holding such text must carry ``lang`` so that screen readers switch
their voice::

    <h1{% content_lang %}>{{ category.name }}</h1>
    <div{% content_lang article.language %}>{{ article.problem|linebreaks }}</div>
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()


def _primary(code: str) -> str:
    """'fr-FR' and 'fr_fr' both read as 'fr': the page says 'fr' or 'en', content may say more."""
    return code.replace("_", "-").split("-")[0].strip().lower()


@register.simple_tag
def content_lang(language: str | None = None) -> SafeString:
    """`` lang="…"`` when the content's language differs from the page's, else nothing.

    ``language`` defaults to ``settings.LANGUAGE_CODE``, the language people write in.
    """
    content = (language or settings.LANGUAGE_CODE).strip()
    page = get_language() or settings.LANGUAGE_CODE
    if not content or _primary(content) == _primary(page):
        return SafeString("")
    return format_html(' lang="{}"', content.replace("_", "-"))
