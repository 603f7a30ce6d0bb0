"""Trim the quoted history and signature from a reply.

Replies carry the whole previous conversation; on a ticket only the new
text matters. ``trim_quoted`` cuts at the first of these markers:

- a reply header: "Le lun. 3 mars 2025 à 10:00, X a écrit :" /
  "On Mon, Mar 3, 2025 at 10:00 AM X wrote:", also wrapped over up to three
  lines (Gmail breaks long ones); it must contain a digit (a date), so that
  a sentence like "On the portal I wrote:" is not taken for one;
- an Outlook separator: "-----Original Message-----", "-----Message
  d'origine-----", or a header block "De : … / Envoyé : …", "From: … /
  Sent: …" (optionally under a line of underscores);
- a signature delimiter "-- " (RFC 3676), or "--";
- a run of "> " quoted lines that goes on to the end of the message.

Nothing is trimmed when it would leave no text (a bare forward keeps
everything). The caller always keeps the full original as well.
"""

from __future__ import annotations

import re

_REPLY_HEADER = re.compile(
    r"^\s*(?:le|on)\s.{0,300}?\d.{0,300}?(?:a\s+écrit|a\s+ecrit|wrote)\s*:?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_REPLY_HEADER_START = re.compile(r"^\s*(?:le|on)\s", re.IGNORECASE)
_SEPARATOR = re.compile(
    r"^\s*-{3,}\s*(?:original\s+message|message\s+d['’]origine|message\s+original|courriel\s+d['’]origine)"
    r"\s*-{3,}\s*$",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_FROM_FIELD = re.compile(r"^\s*\*?(?:de|from)\s*\*?\s*:\s*\S", re.IGNORECASE)
_BLOCK_FIELD = re.compile(r"^\s*\*?(?:envoyé|envoye|sent|date|à|a|to|objet|subject|cc)\s*\*?\s*:\s*", re.IGNORECASE)
_SIGNATURE = re.compile(r"^--\s?$")
_QUOTED = re.compile(r"^\s*>")


def _is_reply_header(lines: list[str], index: int) -> bool:
    if not _REPLY_HEADER_START.match(lines[index]):
        return False
    for span in (1, 2, 3):
        joined = " ".join(line.strip() for line in lines[index : index + span])
        if _REPLY_HEADER.match(joined):
            return True
    return False


def _is_header_block(lines: list[str], index: int) -> bool:
    """A "De : … Envoyé : …" block: a From line followed closely by Sent/Date/To/Subject lines."""
    if not _FROM_FIELD.match(lines[index]):
        return False
    following = [line for line in lines[index + 1 : index + 6] if line.strip()]
    return sum(1 for line in following[:4] if _BLOCK_FIELD.match(line)) >= 2


def _trailing_quote_start(lines: list[str]) -> int | None:
    start = None
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if not line.strip():
            continue
        if _QUOTED.match(line):
            start = index
        else:
            break
    return start


def _cut_index(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if _SEPARATOR.match(line) or _SIGNATURE.match(line) or _is_reply_header(lines, index):
            return index
        if _UNDERSCORES.match(line) and index + 1 < len(lines) and _is_header_block(lines, index + 1):
            return index
        if _is_header_block(lines, index):
            return index
    return _trailing_quote_start(lines)


def trim_quoted(text: str) -> tuple[str, str]:
    """Split a reply into (new text, removed quoted part and signature)."""
    if not text:
        return "", ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _cut_index(lines)
    if cut is None:
        return text.strip(), ""
    new_text = "\n".join(lines[:cut]).strip()
    if not new_text:
        return text.strip(), ""
    return new_text, "\n".join(lines[cut:]).strip()
