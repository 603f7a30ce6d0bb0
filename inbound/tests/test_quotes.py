"""Quoted history and signatures trimmed from replies."""

from __future__ import annotations

import pytest

from inbound.quotes import trim_quoted

NEW = "Merci, cela fonctionne maintenant."


@pytest.mark.parametrize(
    "history",
    [
        "Le lun. 3 mars 2025 à 10:00, Assistance <assistance@univ.example.org> a écrit :\n> Bonjour,\n> essayez ceci.",
        "Le lun. 3 mars 2025 à 10:00, Assistance DSI <\nassistance@univ.example.org> a écrit :\n\n> Bonjour",
        "Le 03/03/2025 à 10:00, Assistance a écrit :\n>> Bonjour",
        "On Mon, Mar 3, 2025 at 10:00 AM Helpdesk <help@univ.example.org> wrote:\n> Hello",
        "On 3 Mar 2025, at 10:00, Helpdesk\n<help@univ.example.org> wrote:\n\n> Hello",
        "-----Original Message-----\nFrom: Helpdesk\nSent: Monday, March 3, 2025 10:00\nTo: me\nSubject: x\n\nHello",
        "-----Message d'origine-----\nDe : Assistance\nEnvoyé : lundi 3 mars 2025 10:00\nÀ : moi\nObjet : x\n\nBonjour",
        "De : Assistance <assistance@univ.example.org>\nEnvoyé : lundi 3 mars 2025 10:00\nÀ : Camille\n"
        "Objet : [Guichet #42] Accès\n\nBonjour",
        "________________________________\nDe : Assistance\nEnvoyé : lundi 3 mars 2025 10:00\nÀ : Camille\n\nBonjour",
        "From: Helpdesk <help@univ.example.org>\nSent: Monday, March 3, 2025 10:00 AM\nTo: Camille\n"
        "Subject: RE: x\n\nHello",
        "> Bonjour,\n> essayez ceci.\n>\n> L'assistance",
        "-- \nCamille Martin\nL3 Informatique",
    ],
)
def test_trim_quoted_removes_history(history):
    text = f"{NEW}\n\n{history}\n"
    assert trim_quoted(text) == (NEW, history.strip())


def test_trim_quoted_plain_text_is_unchanged():
    text = "Bonjour,\n\nOn m'a dit d'écrire ici : le 3 mars, l'ENT était en panne.\nCamille"
    assert trim_quoted(text) == (text, "")


def test_trim_quoted_sentence_like_a_header_without_date_is_kept():
    text = "On the portal I wrote:\n\nmy student number"
    assert trim_quoted(text) == (text, "")


def test_trim_quoted_inline_replies_are_kept():
    text = "> Avez-vous redémarré ?\nOui.\n> Et vidé le cache ?\nOui aussi."
    assert trim_quoted(text) == (text, "")


def test_trim_quoted_bare_forward_keeps_everything():
    text = "-----Original Message-----\nFrom: Someone\nSent: Monday\nTo: me\n\nThe request itself"
    assert trim_quoted(text) == (text, "")


def test_trim_quoted_crlf_and_empty_text():
    assert trim_quoted("Oui\r\n\r\n> question\r\n") == ("Oui", "> question")
    assert trim_quoted("") == ("", "")
