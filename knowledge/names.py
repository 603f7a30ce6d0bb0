"""People's names in French text, for those who are not participants of the ticket.

The scrubber knows the participants' names; a ticket also names third parties
("Contact : Dominique Lefèvre, secrétariat"). They are found by:

- **a given-name list** (``knowledge/data/given_names_fr.txt``, built by
  ``scripts/build_given_names.py`` from a maintained name dictionary shipped
  on PyPI): a given name followed by capitalised or upper-case words is a
  person ("Jean-Baptiste de La Fontaine", "Anne-Sophie LE GALL"), and so is an
  upper-case surname followed by a given name ("LEFÈVRE Dominique");
- **cues**: a title ("M.", "Mme", "Monsieur", "Madame", "Dr"…) followed by
  capitalised words; "contact", "interlocuteur", "référente"… followed by a
  given name;
- **signatures**: the line after "Cordialement", "Bien à vous"… when it is
  made of capitalised words only;
- **email local parts** and **form values** that look like names
  (``prenom.nom@``, "Dominique Lefèvre"): their parts are removed wherever
  they appear capitalised.

``looks_personal`` says what still looks like a person after scrubbing, so
that such an article goes to review instead of being published.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from knowledge.text import fold

DATA = Path(__file__).resolve().parent / "data" / "given_names_fr.txt"


def _folded_words(text: str) -> frozenset[str]:
    """Long word lists read better as text than as list literals."""
    return frozenset(fold(word) for word in text.split())


_UP = "A-ZÀ-ÖØ-ÞŒ"
_LOW = "a-zà-öø-ÿœ"
# "Lefèvre", "Jean-Baptiste", "O'Neil"; "LEFÈVRE", "LE GALL" (each word); never a placeholder.
_CAPITALISED = rf"[{_UP}][{_LOW}]+(?:['’][{_UP}][{_LOW}]+)?(?:-[{_UP}][{_LOW}]+)*"
_UPPER = rf"[{_UP}]{{2,}}(?:-[{_UP}]{{2,}})*"
_WORD = rf"(?:{_CAPITALISED}|{_UPPER})(?![\w-])"
_PARTICLE_WORDS = _folded_words("de du des van von der den di da del della dos ben bin el al le la mac mc")
_PARTICLE = "|".join(
    sorted({w for p in _PARTICLE_WORDS for w in (p, p.upper(), p.title())}, key=lambda w: (-len(w), w))
)
_PARTICLES = rf"(?:(?:{_PARTICLE})[ \t]+|[dD]['’](?=[{_UP}]))*"
_SEQUENCE = re.compile(rf"(?<![\w\[-])(?:{_PARTICLES}{_WORD})(?:[ \t]+{_PARTICLES}{_WORD}){{0,5}}")
_TOKEN = re.compile(rf"{_PARTICLES}(?P<word>{_WORD})")

_TITLE = (
    r"(?:M\.|MM\.|Mme|Mmes|Mlle|Mlles|[Mm]onsieur|[Mm]essieurs|[Mm]adame|[Mm]esdames|[Mm]ademoiselle|Dr\.?|"
    r"[Dd]octeur|Pr\.?|[Pp]rofesseur|Me)"
)
_TITLE_NAME = re.compile(rf"(?<![\w.]){_TITLE}\s+(?P<name>{_PARTICLES}{_WORD}(?:[ \t]+{_PARTICLES}{_WORD}){{0,2}})")
_CONTACT = re.compile(
    r"(?<!\w)(?i:contact(?:s|er)?|interlocut(?:eur|rice)|r[ée]f[ée]rent(?:e)?|correspondant(?:e)?|gestionnaire|"
    r"secr[ée]taire|coll[èe]gue|responsable|demander\s+[àa]|voir\s+avec|aupr[èe]s\s+de|s['’]adresser\s+[àa])"
    rf"\s*:?\s*(?P<name>{_PARTICLES}{_WORD}(?:[ \t]+{_PARTICLES}{_WORD}){{0,2}})"
)
_CLOSING = (
    r"(?:bien\s+|tr[èe]s\s+)?cordialement|bien\s+[àa]\s+(?:vous|toi)|(?:sinc[èe]res\s+|meilleures\s+)?salutations"
    r"(?:\s+distingu[ée]es)?|bonne\s+(?:journ[ée]e|soir[ée]e)|merci(?:\s+d['’]avance|\s+par\s+avance|\s+beaucoup)?|"
    r"amicalement|cdlt|bav"
)
_SIGNATURE = re.compile(
    rf"(?im)^[ \t>]*(?:{_CLOSING})[ \t]*[,.!]?[ \t]*(?:\r?\n[ \t>]*)?"
    rf"(?P<name>(?-i:{_PARTICLES}{_WORD}(?:[ \t]+{_PARTICLES}{_WORD}){{0,3}}))[ \t]*[,.]?[ \t]*$"
)
# Titles of functions, not people: "M. le Directeur", "Madame la Présidente".
_FUNCTIONS = _folded_words(
    "Directeur Directrice Président Présidente Doyen Doyenne Recteur Rectrice Responsable Chef Cheffe "
    "Vice-Président Vice-Présidente Secrétaire Maire Ministre Préfet Préfète Professeur Professeure"
)
# Local parts of service mailboxes, not people.
_GENERIC_LOCAL = _folded_words(
    "contact support assistance info infos dsi scolarite secretariat accueil admin webmaster noreply no "
    "reply ne pas repondre helpdesk service services guichet bibliotheque rh paie etudiant etudiants etu "
    "univ mail postmaster root sifac ent moodle test prenom nom name firstname lastname first last user utilisateur "
    "login identifiant exemple example"
)


@cache
def given_names() -> frozenset[str]:
    """The folded given names of the shipped list."""
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(line.strip()) for line in lines if line.strip() and not line.startswith("#"))


def is_given_name(word: str) -> bool:
    """ "Dominique", "JEAN-BAPTISTE", "Anne-Sophie": every part of the word is a given name."""
    parts = [p for p in re.split(r"[-'’]", fold(word)) if p]
    return bool(parts) and all(p in given_names() for p in parts)


def _words(name: str) -> list[str]:
    return [m["word"] for m in _TOKEN.finditer(name)]


def _person_in(sequence: str) -> tuple[int, int] | None:
    """The span, inside a run of capitalised words, of "Prénom [particles] NOM…" or "NOM Prénom"."""
    tokens = list(_TOKEN.finditer(sequence))
    for i, token in enumerate(tokens):
        if not is_given_name(token["word"]):
            continue
        start = i
        if i > 0 and tokens[i - 1]["word"].isupper() and not is_given_name(tokens[i - 1]["word"]):
            start = i - 1  # "LEFÈVRE Dominique"
        end = min(i + 3, len(tokens))  # the given name and at most two more words (surnames)
        if end - start < 2:
            return None  # a given name alone is not removed (it may be a word); looks_personal flags it
        return tokens[start].start(), tokens[end - 1].end()
    return None


def _people_by_title(text: str) -> list[re.Match[str]]:
    """ "M. Lefèvre", "Mme de La Tour" — not "Madame la Présidente"."""
    return [m for m in _TITLE_NAME.finditer(text) if fold(_words(m["name"])[0]) not in _FUNCTIONS]


def _signatures(text: str) -> list[re.Match[str]]:
    """The name line under a closing formula — not "Cordialement,\nLa DSI"."""
    found = []
    for match in _SIGNATURE.finditer(text):
        words = _words(match["name"])
        if len(words) >= 2 or any(is_given_name(w) for w in words):
            found.append(match)
    return found


def find_people(text: str) -> list[tuple[int, int]]:
    """Spans of people's names in ``text`` (see the module docstring), without overlaps."""
    spans: list[tuple[int, int]] = []
    for match in _people_by_title(text):
        spans.append(match.span("name"))
    for match in _CONTACT.finditer(text):
        if any(is_given_name(w) for w in _words(match["name"])):
            spans.append(match.span("name"))
    for match in _signatures(text):
        spans.append(match.span("name"))
    for match in _SEQUENCE.finditer(text):
        found = _person_in(match.group(0))
        if found:
            spans.append((match.start() + found[0], match.start() + found[1]))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def names_in_emails(text: str) -> list[tuple[str, str]]:
    """(first, last) from ``prenom.nom@``-style addresses (either order is removed)."""
    found = []
    for local in re.findall(r"([\w.+-]+)@[\w-]+(?:\.[\w-]+)+", text):
        parts = [p.strip("-") for p in re.split(r"[._+]", local) if p.strip("-")]  # "yannick.le-bihan"
        is_name = len(parts) == 2 and all(p.replace("-", "").isalpha() and len(p) >= 2 for p in parts)
        if is_name and not any(fold(p) in _GENERIC_LOCAL for p in parts):
            found.append((parts[0].capitalize(), parts[1].capitalize()))
    return found


def name_of_value(value: str) -> tuple[str, str] | None:
    """A form value that is a person's name ("Dominique Lefèvre", "LEFÈVRE Dominique")."""
    value = value.strip()
    if not 3 <= len(value) <= 80 or "\n" in value:
        return None
    span = _person_in(value)
    if span is None or (span[1] - span[0]) < len(value) - 1:
        return None
    words = _words(value)
    given = [w for w in words if is_given_name(w)]
    others = [w for w in words if not is_given_name(w)]
    return (given[0], " ".join(others) or given[-1])


def _starts_sentence(text: str, index: int) -> bool:
    before = text[:index].rstrip(" \t")
    return not before or before[-1] in ".!?…\n"


def looks_personal(text: str) -> list[str]:
    """Why ``text`` (already scrubbed) may still name someone; empty when it does not."""
    reasons = []
    for match in _people_by_title(text):
        reasons.append(f"civilité suivie d'un nom : « {match.group(0)} »")
    for match in _signatures(text):
        reasons.append(f"signature : « {match['name']} »")
    for match in re.finditer(rf"(?<![\w\[-]){_WORD}", text):
        word = match.group(0)
        if word[1:].islower() and is_given_name(word) and not _starts_sentence(text, match.start()):
            reasons.append(f"prénom : « {word} »")
    if re.search(r"[\w.+-]+@[\w-]+\.[\w.-]+", text):
        reasons.append("adresse électronique")
    return list(dict.fromkeys(reasons))
