"""Text folding shared by the SQLite search fallback, the word list and scrubbing.

``fold`` makes comparisons accent- and case-insensitive the way PostgreSQL's
``unaccent`` + ``lower`` do; ``light_stem`` strips French plural endings so that
"imprimantes" meets "imprimante" and "réseaux" meets "réseau" without a full
stemmer (the PostgreSQL path uses the real Snowball ``french_stem``).
"""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
WORD_RE = re.compile(r"[a-z0-9]+")
# Private-use characters that mark highlights inside ts_headline output; they
# never survive in stored text (see ``strip_markers``) so escaping stays exact.
MARK_START = "\ue000"
MARK_STOP = "\ue001"


def fold(text: str) -> str:
    """Lower-case and strip accents: "Réseau ÉTÉ" → "reseau ete"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def light_stem(word: str) -> str:
    """Strip a French plural ending from a folded word."""
    if len(word) > 3 and not word.isdigit():
        if word.endswith("x") and word[-2] == "u":  # réseaux, cheveux, bijoux
            return word[:-1]
        if word.endswith("s") and not word.endswith("ss"):
            return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return WORD_RE.findall(fold(text))


def stemmed_words(text: str) -> list[str]:
    return [light_stem(w) for w in words(text)]


def search_text(*parts: str) -> str:
    """The normalised, space-delimited form stored in ``Article.search_text``.

    Leading and trailing spaces let a word match be written as
    ``contains(" word ")`` without matching inside longer words.
    """
    return " " + " ".join(stemmed_words(" ".join(parts))) + " "


def strip_markers(text: str) -> str:
    return (text or "").replace(MARK_START, "").replace(MARK_STOP, "")


def normalise_code(code: str) -> str:
    """Error and message codes compare upper-cased without surrounding blanks or quotes."""
    return code.strip().strip("\"'«»").strip().upper()


def split_codes(text: str) -> list[str]:
    """One code per line (commas and semicolons also separate); duplicates dropped, order kept."""
    seen: dict[str, None] = {}
    for raw in re.split(r"[\n,;]+", text or ""):
        code = normalise_code(raw)
        if code:
            seen.setdefault(code, None)
    return list(seen)
