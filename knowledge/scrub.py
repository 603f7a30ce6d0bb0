"""Remove personal data from a text before it becomes a public article.

Matching is accent- and case-insensitive: the text is folded character by
character (``knowledge.text.fold``) while keeping a map back to the original
positions, so "HÉLÈNE Dupré" is found from the name "Helene Dupre" and the
replacement is made in the original text.

What is removed, in this order (earlier kinds win where they overlap):
signed links and URLs carrying tokens, email addresses, given values (form
values such as a postal address), French phone numbers, 8-digit student
numbers, postal addresses written in the text, and people's names ("Prénom
NOM", "NOM Prénom", and each part alone when it is written capitalised).

People's names are the participants' (given by the caller) and anyone else's
that ``knowledge.names`` recognises: a given name from the shipped list
followed by a surname, a title or a "contact :" cue, a signature, a
``prenom.nom@`` address, a form value that is a name. Each part of a name
found that way is then removed wherever else it is written capitalised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from knowledge.names import find_people, name_of_value, names_in_emails
from knowledge.text import fold

PLACEHOLDERS = {
    "link": "[lien]",
    "email": "[courriel]",
    "address": "[adresse]",
    "personal": "[donnée personnelle]",
    "phone": "[téléphone]",
    "student_number": "[numéro étudiant]",
    "name": "[nom]",
}

URL_RE = re.compile(r"""(?:https?://|www\.)[^\s<>"'«»]+""", re.IGNORECASE)
# Query parameters that make a link personal (a signed or authenticated link).
_TOKEN_PARAM_RE = re.compile(
    r"[?&;](?:[a-z0-9_-]*token|sig|signature|key|auth|code|ticket|otp|session|sessionid|hash|"
    r"x-amz-[a-z-]+|access_token|jwt|email|mail|user|uid|login)=",
    re.IGNORECASE,
)
# A path segment that looks like a random token: long, mixing letters and digits,
# or a Django signed value (``value:timestamp:signature``).
_TOKEN_SEGMENT_RE = re.compile(
    r"(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}"  # random-looking token
    r"|[\w-]+:[\w-]{4,}:[\w-]{8,}"  # Django signing.dumps / TimestampSigner output
)
EMAIL_RE = re.compile(r"(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
PHONE_RE = re.compile(r"(?<![\w+])(?:(?:\+|00)33[\s.-]?(?:\(0\)[\s.-]?)?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
STUDENT_NUMBER_RE = re.compile(r"(?<![\d-])\d{8}(?![\d-])")
# "12 bis, rue de la République, 13001 Marseille": a number, a street word,
# the rest of the line up to a postal code and town when present.
_STREET = r"rue|avenue|av\.|boulevard|bd|place|all[ée]e|chemin|impasse|quai|route|cours|r[ée]sidence|square|voie"
ADDRESS_RE = re.compile(
    rf"\b\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+(?:{_STREET})\b[^\n,;.]{{0,60}}"
    r"(?:,?\s*\d{5}\s+(?-i:[^\W\d_][^\W\d_]*(?:[ '-][A-ZÀ-Ý][^\W\d_]*){0,3}))?",
    re.IGNORECASE,
)
_FOLDED_PLACEHOLDERS = " " + fold(" ".join(PLACEHOLDERS.values()))
_WORD_EDGE_L = r"(?<![a-z0-9])"
_WORD_EDGE_R = r"(?![a-z0-9])"


@lru_cache(maxsize=1024)
def _fold_char(ch: str) -> str:
    return fold(ch)


_fold_word = lru_cache(maxsize=16384)(fold)
_SPACES_RE = re.compile(r"(\s+)")


def _fold_text(text: str) -> str:
    """``fold(text)``, word by word through a cache: the same result, since NFKD never reorders
    across whitespace, and words repeat from one ticket to the next."""
    return "".join(_fold_word(chunk) for chunk in _SPACES_RE.split(text))


@lru_cache(maxsize=8)
def _folded(text: str) -> _Folded:
    """The folded copy of ``text``, built once for the several patterns run over an unchanged text
    (most of the scrubber's time was rebuilding it per pattern: the anonymisation scrubs every ticket)."""
    return _Folded(text)


class _Folded:
    """A folded copy of a text with a map from folded offsets to original offsets."""

    def __init__(self, original: str) -> None:
        self.original = original
        chars: list[str] = []
        index: list[int] = []
        for i, ch in enumerate(original):
            folded = _fold_char(ch)
            chars.append(folded)
            index.extend([i] * len(folded))
        self.text = "".join(chars)
        self.index = index

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.index[start], self.index[end - 1] + 1


def _is_token_link(url: str) -> bool:
    return bool(_TOKEN_PARAM_RE.search(url) or _TOKEN_SEGMENT_RE.search(url.split("?", 1)[0]))


@lru_cache(maxsize=16384)
def _parts_of(value: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", _fold_text(value)))


def _flexible(value: str, present: str | None = None) -> str | None:
    """A folded regex for a value whose words may be separated differently (newline, comma…).

    ``None`` too when a word of the value is not in ``present`` (the folded text, when given): such a
    pattern cannot match, and compiling one per person was most of the cost of scrubbing many tickets."""
    parts = _parts_of(value)
    if not parts or (present is not None and any(part not in present for part in parts)):
        return None
    return _WORD_EDGE_L + r"[\W_]+".join(re.escape(p) for p in parts) + _WORD_EDGE_R


def _split_name(name: str | Sequence[str]) -> tuple[str, str]:
    if isinstance(name, str):
        first, _, last = name.strip().partition(" ")
        return first.strip(), last.strip()
    first, last = [*list(name), "", ""][:2]
    return (first or "").strip(), (last or "").strip()


def _name_patterns(names: Iterable[str | Sequence[str]], present: str | None = None) -> tuple[list[str], list[str]]:
    """Patterns for full names (any case) and single name parts (capitalised only)."""
    full, single = [], []
    for name in names:
        first, last = _split_name(name)
        if first and last:
            for combo in (f"{first} {last}", f"{last} {first}"):
                if pattern := _flexible(combo, present):
                    full.append(pattern)
        for part in (first, last):
            if len(part) >= 3 and (pattern := _flexible(part, present)):
                single.append(pattern)

    # Longest first, so "Marie-Claire Dupont" is taken before "Dupont".
    def longest_first(patterns: list[str]) -> list[str]:
        return sorted(set(patterns), key=lambda p: (-len(p), p))

    return longest_first(full), longest_first(single)


def _sub(text: str, pattern: re.Pattern[str], kind: str, removed: list[tuple[str, str]], *, keep=None) -> str:
    """Replace matches in ``text``; ``keep(match_text)`` may spare a match."""

    def replace(match: re.Match[str]) -> str:
        value = match.group(0)
        if keep is not None and keep(value):
            return value
        removed.append((kind, value))
        return PLACEHOLDERS[kind]

    return pattern.sub(replace, text)


def _sub_folded(
    text: str, patterns: list[str], kind: str, removed: list[tuple[str, str]], *, capitalised_only: bool = False
) -> str:
    for pattern in patterns:
        folded = _folded(text)
        pieces, last = [], 0
        for match in re.finditer(pattern, folded.text):
            start, end = folded.span(match.start(), match.end())
            value = text[start:end]
            if capitalised_only and not value[:1].isupper():
                continue
            pieces.append(text[last:start])
            pieces.append(PLACEHOLDERS[kind])
            removed.append((kind, value))
            last = end
        if pieces:
            text = "".join(pieces) + text[last:]
    return text


def _value_patterns(extra_values: Iterable[str | tuple[str, str]], present: str | None = None) -> list[tuple[str, str]]:
    """(kind, pattern) for each given value, and for each line of a multi-line value."""
    found: dict[str, str] = {}
    for item in extra_values:
        kind, value = item if isinstance(item, tuple) else ("personal", item)
        kind = kind if kind in PLACEHOLDERS else "personal"
        value = str(value or "").strip()
        candidates = [value] + [line.strip() for line in re.split(r"[\n;]+", value) if line.strip() != value]
        for candidate in candidates:
            if len(candidate) >= 4 and (pattern := _flexible(candidate, present)):
                found.setdefault(pattern, kind)
    return sorted(((k, p) for p, k in found.items()), key=lambda kp: (-len(kp[1]), kp[1]))


def _names_of_values(values: Iterable[str | tuple[str, str]]) -> list[tuple[str, str]]:
    found = []
    for item in values:
        value = item[1] if isinstance(item, tuple) else item
        if (name := name_of_value(str(value or ""))) is not None:
            found.append(name)
    return found


def _sub_people(text: str, removed: list[tuple[str, str]], learned: list[tuple[str, str]]) -> str:
    """Replace the names ``knowledge.names`` finds; their parts join ``learned``."""
    pieces, last = [], 0
    for start, end in find_people(text):
        value = text[start:end]
        pieces += [text[last:start], PLACEHOLDERS["name"]]
        removed.append(("name", value))
        last = end
        name = name_of_value(value)
        learned += [name] if name else [(word, "") for word in re.findall(r"[^\W\d_]{3,}", value) if word[0].isupper()]
    return "".join(pieces) + text[last:] if pieces else text


def scrub(
    text: str,
    *,
    names: Iterable[str | Sequence[str]] = (),
    extra_values: Iterable[str | tuple[str, str]] = (),
) -> tuple[str, list[tuple[str, str]]]:
    """Return ``text`` without personal data, and what was removed as ``(kind, value)`` pairs.

    ``names`` are people ("Prénom Nom" strings or ``(first, last)`` pairs);
    ``extra_values`` are known personal values, either strings or
    ``(kind, value)`` pairs such as ``("address", "12 rue des Lilas")``.
    """
    removed: list[tuple[str, str]] = []
    if not text:
        return text or "", removed
    extra_values = list(extra_values)
    learned = names_in_emails(text) + _names_of_values(extra_values)
    text = _sub(text, URL_RE, "link", removed, keep=lambda url: not _is_token_link(url))
    text = _sub(text, EMAIL_RE, "email", removed)
    # The words of the text, and of the placeholders it may gain: a pattern needing another word is skipped.
    present = _fold_text(text) + _FOLDED_PLACEHOLDERS
    for kind, pattern in _value_patterns(extra_values, present):
        text = _sub_folded(text, [pattern], kind, removed)
    text = _sub(text, PHONE_RE, "phone", removed)
    text = _sub(text, STUDENT_NUMBER_RE, "student_number", removed)
    text = _sub(text, ADDRESS_RE, "address", removed)
    text = _sub_people(text, removed, learned)
    full, single = _name_patterns([*names, *learned], present)
    text = _sub_folded(text, full, "name", removed)
    text = _sub_folded(text, single, "name", removed, capitalised_only=True)
    return text, removed
