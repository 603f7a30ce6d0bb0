"""Attachment file names that are safe to store, show and download."""

from __future__ import annotations

import mimetypes
import re
import unicodedata

MAX_FILENAME_BYTES = 150  # UTF-8 bytes: well under every filesystem's 255
MAX_EXTENSION_CHARS = 16

_UNSAFE = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
_SPACES = re.compile(r"\s+")


def _drop_invisible(name: str) -> str:
    # Cc: control characters (NUL, newlines…); Cf: format characters such as
    # U+202E RIGHT-TO-LEFT OVERRIDE, used to disguise "exe.pdf" as "fdp.exe".
    return "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf"} or ch in " \t")


def _truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


# Types mimetypes does not know, mostly from delivery and feedback reports.
_EXTENSIONS = {
    "message/rfc822": ".eml",
    "message/global": ".eml",
    "message/news": ".eml",
    "message/delivery-status": ".txt",
    "message/global-delivery-status": ".txt",
    "message/feedback-report": ".txt",
    "message/disposition-notification": ".txt",
    "text/rfc822-headers": ".txt",
    "message/rfc822-headers": ".txt",
}


def fallback_filename(*, content_type: str, index: int) -> str:
    """``piece-jointe-<n>.<ext>`` with an extension guessed from the type."""
    ext = _EXTENSIONS.get(content_type) or mimetypes.guess_extension(content_type)
    return f"piece-jointe-{index}{ext or '.bin'}"


def safe_filename(name: str | None, *, content_type: str = "application/octet-stream", index: int = 1) -> str:
    """Return a file name with no directory part, no control or reserved
    characters, no leading dot, at most ``MAX_FILENAME_BYTES`` bytes (the
    extension is kept when the stem is cut), or a fallback name when nothing
    usable is left."""
    text = unicodedata.normalize("NFC", name or "")
    text = _drop_invisible(text)
    # The last path component, whichever separator the sender's OS used.
    text = re.split(r"[/\\]", text)[-1]
    text = _UNSAFE.sub("_", text)
    text = _SPACES.sub(" ", text).strip(" .")
    if not text or set(text) <= {"_", "."}:
        return fallback_filename(content_type=content_type, index=index)
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem or len(ext) > MAX_EXTENSION_CHARS or " " in ext:
        stem, ext = text, ""
    suffix = f".{ext}" if ext else ""
    stem = _truncate_utf8(stem, MAX_FILENAME_BYTES - len(suffix.encode("utf-8"))).rstrip(" .")
    if not stem:
        return fallback_filename(content_type=content_type, index=index)
    return stem + suffix
