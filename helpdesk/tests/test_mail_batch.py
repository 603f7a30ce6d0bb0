"""Batch rendering gives exactly what rendering each mail gives."""

from __future__ import annotations

import pytest
from django.utils.safestring import mark_safe
from django.utils.translation import override

from helpdesk.mail.batch import render_many, render_one

TEMPLATE = "email/tickets/notification"


def context(title: str, **extra) -> dict:
    return {
        "site_url": "https://guichet.example.org",
        "subject": f"[Guichet #12] Rappel : {title}",
        "ticket_reference": 12,
        "language": "fr",
        "recipient_name": "Camille Martin",
        "action_url": "https://guichet.example.org/demandes/12/",
        "reply_enabled": True,
        "reply_files_follow_up": False,
        "paragraphs": [f"Pour votre demande « {title} », le service attend.", "Sans réponse, close le 3 mai."],
        "quote": "",
        **extra,
    }


@pytest.mark.parametrize("language", ["fr", "en"])
def test_render_many_equals_rendering_one_by_one(language):
    contexts = [
        context("Imprimante"),
        context("<script>alert('x')</script> & \"guillemets\""),
        context("Wi-Fi", recipient_name="", quote="ligne 1\nligne 2 <b>"),
        context("Sans lien", action_url="", links=[("Valider", "https://x.example/?a=1&b=2")]),
        context("Sûr", quote=mark_safe("<em>déjà sûr</em>")),
        context("Objet", ticket=object()),
        context("Zéro", ticket_reference=0),
    ]
    from django.utils.translation import override

    with override(language):
        expected = [render_one(TEMPLATE, c) for c in contexts]
    assert render_many(TEMPLATE, language, contexts) == expected


def test_a_template_reading_a_value_through_an_object_falls_back():
    class Ticket:
        title = "Titre lu par l'objet"

    contexts = [{"ticket": Ticket(), "subject": "Un"}, {"ticket": Ticket(), "subject": "Deux"}]
    assert render_many("email/tickets/notification", "fr", contexts) == [
        render_one("email/tickets/notification", c) for c in contexts
    ]


def test_one_shape_is_rendered_once_plus_its_check(monkeypatch):
    from helpdesk.mail import batch

    plain = []
    monkeypatch.setattr(batch, "render_one", lambda name, c: plain.append(c) or render_one(name, c))
    contexts = [context(f"Demande {i}") for i in range(20)]
    bodies = render_many(TEMPLATE, "fr", contexts)
    assert len(plain) == 1  # the check of the shape's first mail; the 19 others are filled in
    assert bodies[7] == render_one(TEMPLATE, contexts[7])


def test_a_checked_shape_is_reused_by_later_calls_and_one_with_objects_is_not(monkeypatch):
    """One mail per call (the inbound pipeline's acknowledgements): the shape is checked once per process."""
    from helpdesk.mail import batch

    batch._checked.clear()
    plain = []
    monkeypatch.setattr(batch, "render_one", lambda name, c: plain.append(c) or render_one(name, c))
    bodies = [render_many(TEMPLATE, "fr", [context(f"Demande {i}")])[0] for i in range(5)]
    assert len(plain) == 1
    assert bodies[3] == render_one(TEMPLATE, context("Demande 3"))
    english = render_many(TEMPLATE, "en", [context("Demande 9")])
    assert len(plain) == 2
    with override("en"):
        assert english == [render_one(TEMPLATE, context("Demande 9"))]  # another language, another check

    plain.clear()
    for i in range(3):
        render_many(TEMPLATE, "fr", [context(f"Demande {i}", links=[("Voir", object())])])
    assert len(plain) == 3  # an object in the context: never taken from another call
