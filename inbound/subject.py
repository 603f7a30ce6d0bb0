"""The ``[Guichet #N]`` tag in subjects, and reply prefixes."""

from __future__ import annotations

import re

TAG_LABEL = "Guichet"

# Reply and forward prefixes of the mail clients our users have, in the
# languages they write in: Re/Ré/RE (with French spacing "RE :"), TR
# (transféré), Fwd/Fw, AW/WG (German), SV/VS (Nordic), RV (Spanish), Réf.
_PREFIX = re.compile(
    r"^\s*(?:re|r[ée]f\.?|tr|fwd?|aw|wg|sv|vs|rv|enc|antw|odp|ynt)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*",
    re.IGNORECASE,
)


def _tag_pattern(label: str) -> re.Pattern[str]:
    return re.compile(rf"\[\s*{re.escape(label)}\s*#\s*(\d{{1,12}})\s*\]", re.IGNORECASE)


_TAG = _tag_pattern(TAG_LABEL)


def format_tag(reference: int) -> str:
    """The tag our outgoing subjects carry, e.g. ``[Guichet #42]``."""
    return f"[{TAG_LABEL} #{reference}]"


def find_ticket_reference(subject: str) -> int | None:
    """The number in the first ``[Guichet #N]`` tag of ``subject``, if any.

    Spacing and case are tolerated (``[guichet#42]``, ``[ Guichet # 42 ]``),
    and the tag may sit behind any number of ``Re:``/``TR:``/``Fwd:``.
    Whether the sender may act on that ticket is for the caller to decide.
    """
    match = _TAG.search(subject or "")
    return int(match.group(1)) if match else None


def strip_reply_prefixes(subject: str) -> str:
    """``"RE : TR: Fwd: Problème"`` → ``"Problème"``."""
    text = subject or ""
    while True:
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text:
            return text.strip()
        text = stripped


def clean_subject(subject: str) -> str:
    """The subject without reply prefixes or our tag: a title for a ticket."""
    text = strip_reply_prefixes(subject)
    text = _TAG.sub(" ", text)
    return strip_reply_prefixes(re.sub(r"\s+", " ", text))
