"""HTML from mail: sanitised for display, and converted to plain text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

# URL schemes kept in links and images; ``cid:`` points at inline parts of the
# same message. Everything else (javascript:, data:, vbscript:…) is dropped.
URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}


def sanitize_html(html: str) -> str:
    """Return ``html`` with scripts, styles, event handlers and unsafe URLs removed.

    nh3 (ammonia) keeps an allow-list of tags and attributes: ``<script>``,
    ``<style>``, ``<iframe>``, ``on*`` attributes and ``style`` attributes
    never survive, so the result can be shown under our strict CSP.
    """
    if not html:
        return ""
    return nh3.clean(html, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow")


_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "tr", "ul",
}  # fmt: skip
_SKIP_TAGS = {"script", "style", "head", "title", "template", "noscript", "object", "iframe", "svg"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skip_depth = 0
        self.pre_depth = 0
        self.links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        elif tag == "br":
            self.chunks.append("\n")
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n")
            if tag == "li":
                self.chunks.append("- ")
            elif tag == "pre":
                self.pre_depth += 1
        elif tag in {"td", "th"}:
            self.chunks.append(" ")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href if re.match(r"(?i)(https?|mailto):", href) else None)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag == "hr":
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK_TAGS and tag != "li":
            self.chunks.append("\n")
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)
        if tag == "a" and self.links:
            href = self.links.pop()
            if href and not self.skip_depth:
                shown = href.removeprefix("mailto:")
                if shown not in "".join(self.chunks[-3:]):
                    self.chunks.append(f" <{shown}>")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        self.chunks.append(data if self.pre_depth else re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """A readable plain-text rendering of ``html`` (blocks become lines)."""
    if not html:
        return ""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
        text = "".join(parser.chunks)
    except Exception:  # html.parser is lenient, but never let HTML stop a mail
        text = nh3.clean(html, tags=set())
    lines = [line.strip() for line in text.replace("\xa0", " ").splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
