"""The [Guichet #N] tag and reply prefixes."""

from __future__ import annotations

import pytest

from inbound.subject import clean_subject, find_ticket_reference, format_tag, strip_reply_prefixes


@pytest.mark.parametrize(
    ("subject", "reference"),
    [
        ("[Guichet #42] Accès ENT", 42),
        ("Re: [Guichet #42] Accès ENT", 42),
        ("RE : TR: Fwd: [Guichet #42] Accès ENT", 42),
        ("Réponse : [guichet#42] accès", 42),
        ("[ GUICHET # 42 ] Accès", 42),
        ("Accès ENT [Guichet #7]", 7),
        ("[Guichet #3] puis [Guichet #4]", 3),
        ("Accès ENT", None),
        ("[Guichet #] Accès", None),
        ("[Autre #42] Accès", None),
        ("Guichet #42 sans crochets", None),
        ("", None),
    ],
)
def test_find_ticket_reference(subject, reference):
    assert find_ticket_reference(subject) == reference


def test_format_tag_round_trips():
    assert find_ticket_reference(f"Re: {format_tag(1234)} Sujet") == 1234


@pytest.mark.parametrize(
    ("subject", "stripped"),
    [
        ("Re: Problème", "Problème"),
        ("RE : TR : Fwd: Fw: AW: Problème", "Problème"),
        ("Re[2]: Problème", "Problème"),
        ("Réf. : Problème", "Problème"),
        ("Rentrée: calendrier", "Rentrée: calendrier"),
        ("Problème", "Problème"),
    ],
)
def test_strip_reply_prefixes(subject, stripped):
    assert strip_reply_prefixes(subject) == stripped


def test_clean_subject_removes_prefixes_and_tag():
    assert clean_subject("RE: TR: [Guichet #42] Accès  ENT") == "Accès ENT"
