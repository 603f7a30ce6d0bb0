"""Bytes and header text to ``str``, for any charset, never raising.

Mail in the wild declares charsets that do not exist (``NONE``,
``unknown-8bit``), lies about them (Windows-1252 bytes labelled ISO-8859-1 or
US-ASCII) or has none at all (raw UTF-8 headers, RFC 6532). Every function
here returns text and, when it had to guess, says so in a problem string.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re

# Labels seen in real mail mapped to the codec that decodes what senders
# actually put behind them (supersets, as browsers do).
CHARSET_ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ks_c_5601-1989": "cp949",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso_8859-1": "cp1252",
    "windows-1252": "cp1252",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "tis-620": "cp874",
    "iso-8859-8-i": "iso-8859-8",
    "utf8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
}

# Labels that carry no information: decode by guessing.
NO_CHARSET = {"", "none", "unknown", "unknown-8bit", "x-unknown", "default", "us-ascii", "ascii", "ansi_x3.4-1968"}


SINGLE_BYTE_CODECS = {"cp1252", "iso8859-1", "iso8859-15", "cp1250", "iso8859-2", "mac-roman"}


def normalise_charset(label: str | None) -> str | None:
    """Return a usable text codec name for ``label``, or ``None`` to guess.

    RFC 2231 language suffixes (``utf-8*fr``) and quotes are dropped. Labels
    naming no text codec (``base64``, ``rot13``, garbage) give ``None``.
    """
    if not label:
        return None
    name = label.strip().strip("\"'").split("*", 1)[0].strip().lower()
    if name in NO_CHARSET:
        return None
    name = CHARSET_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def guess_decode(data: bytes) -> str:
    """Decode bytes of unknown charset: UTF-8, else Windows-1252, else Latin-1.

    UTF-8 with a couple of broken sequences (a name cut in the middle of a
    character) is still UTF-8 when enough valid multi-byte characters
    surround them; otherwise a stray high byte means a legacy 8-bit charset.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    errors = lenient.count("\ufffd")
    valid_multibyte = sum(1 for ch in lenient if ord(ch) > 0x7F and ch != "\ufffd")
    if errors <= 2 and valid_multibyte >= 3 * errors:
        return lenient
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def decode_bytes(data: bytes, label: str | None) -> tuple[str, str | None]:
    """Decode ``data`` declared as ``label``; return (text, problem or None)."""
    codec = normalise_charset(label)
    problem = None
    if label and codec is None and label.strip().strip("\"'").lower() not in NO_CHARSET:
        problem = f"unknown charset {label.strip()[:40]!r}"
    if codec is None:
        return guess_decode(data), problem
    if codec in SINGLE_BYTE_CODECS and not data.isascii():
        # UTF-8 labelled as a legacy charset is the commonest lie; valid UTF-8
        # multi-byte sequences almost never occur by chance in 8-bit text.
        try:
            return data.decode("utf-8"), f"text declared {label!r} was UTF-8"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode(codec), None
    except UnicodeDecodeError:
        pass
    except Exception:  # some codecs raise other errors on junk
        return guess_decode(data), f"charset {label!r} could not decode the text"
    # Mislabelled: UTF-8 declared as Latin-1 is the common case.
    try:
        return data.decode("utf-8"), f"text declared {label!r} was UTF-8"
    except UnicodeDecodeError:
        return data.decode(codec, errors="replace"), f"invalid bytes for charset {label!r}"


def raw_header_to_str(value: str) -> str:
    """Undo the surrogate escapes the email parser uses for 8-bit header bytes."""
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value  # already proper text
    return guess_decode(data)


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)")
_FOLD = re.compile(r"\r?\n(?=[ \t])")


def _decode_word(charset: str, encoding: str, payload: str) -> bytes:
    if encoding.lower() == "b":
        padded = payload + "=" * (-len(payload) % 4)
        try:
            return base64.b64decode(padded, validate=False)
        except (binascii.Error, ValueError):
            return base64.b64decode(re.sub(r"[^A-Za-z0-9+/]", "", payload) + "==", validate=False)
    return quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=True)


def decode_header_value(value: str | None) -> str:
    """Unfold a raw header value and decode RFC 2047 encoded words.

    Adjacent encoded words are joined without the whitespace between them
    (RFC 2047 § 6.2); words in unknown charsets are decoded by guessing;
    malformed words are left as they are. Control characters are dropped.
    """
    if not value:
        return ""
    text = raw_header_to_str(str(value))
    text = _FOLD.sub("", text)
    text = _BETWEEN_WORDS.sub(r"\1", text)

    def replace(match: re.Match[str]) -> str:
        charset, encoding, payload = match.groups()
        try:
            data = _decode_word(charset, encoding, payload)
        except Exception:  # a broken word stays as written
            return match.group(0)
        return decode_bytes(data, charset)[0]

    text = _ENCODED_WORD.sub(replace, text)
    # Newlines smuggled inside encoded words must never reach a header we write.
    return _WHITESPACE.sub(" ", strip_controls(text)).strip()


_WHITESPACE = re.compile(r"\s+")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text: str) -> str:
    """Drop C0 control characters except tab and newlines."""
    return _CONTROLS.sub("", text)
