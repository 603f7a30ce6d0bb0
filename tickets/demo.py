"""Demo tickets in every DA status, for the demo requester and correspondent (the agency's
full lifecycle on its DA branch: ``AGENCY_SCENARIOS``).

Every ticket is filed and moved through ``tickets.workflow`` (never by
writing ``status``), so its history is the real one. Idempotent: a ticket
is identified by its title and requester and skipped when it exists.

The demo uses the catalogue seeder's leaves when it published one under
``ctx.objects["category:…"]`` handled by the assistance service; otherwise
it creates its own leaf ``demo-assistance`` (slug chosen not to clash with
the catalogue's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from catalogue.models import Category, CategoryKind, PriorityScheme, Service
from helpdesk.demo import DemoContext
from tickets import workflow as wf
from tickets.models import SavedResponse, Ticket

Step = Callable[[Ticket, dict[str, Any]], Any]


def _take(t: Ticket, who: dict[str, Any]) -> Any:
    return wf.ticket_take(ticket=t, actor=who["agent"])


def _ask(t: Ticket, who: dict[str, Any]) -> Any:
    return wf.ticket_ask(
        ticket=t, actor=who["agent"], text="Pouvez-vous préciser le message d'erreur exact et l'heure ?"
    )


def _propose(t: Ticket, who: dict[str, Any]) -> Any:
    return wf.ticket_propose(
        ticket=t,
        actor=who["agent"],
        text="Videz le cache du navigateur puis reconnectez-vous ; le problème devrait disparaître.",
    )


# (title, requester key, steps) — one ticket per status, some on the correspondent's side.
SCENARIOS: list[tuple[str, str, list[Step]]] = [
    ("Impossible d'accéder à ma messagerie", "requester", []),
    ("Erreur à l'édition des attestations", "requester", [_take]),
    ("Inscription pédagogique bloquée", "requester", [_take, _ask]),
    ("Mot de passe refusé après changement", "requester", [_take, _propose]),
    ("Nouveau rôle pour les gestionnaires", "correspondent", [_take, lambda t, w: wf.ticket_await_decision(
        ticket=t, actor=w["agent"], text="La demande sera étudiée par le comité des évolutions.")]),
    ("Export des notes au format CSV", "correspondent", [_take, lambda t, w: wf.ticket_await_development(
        ticket=t, actor=w["agent"], text="Une évolution est planifiée pour la prochaine version.")]),
    ("Impression du relevé de notes", "requester", [_take, _propose, lambda t, w: wf.ticket_approve(
        ticket=t, actor=w["requester"], text="Merci, c'est réglé.")]),
    ("Plusieurs problèmes dans une même demande", "correspondent", [lambda t, w: wf.ticket_reject(
        ticket=t, actor=w["agent"], text="Un seul problème par demande : merci d'en déposer une par problème.")]),
    ("Question déjà résolue", "requester", [lambda t, w: wf.ticket_withdraw(
        ticket=t, actor=w["requester"], text="J'ai trouvé la réponse dans la base de connaissances.")]),
]  # fmt: skip


def _adv(t: Ticket, who: dict[str, Any]) -> Any:
    wf.ticket_take(ticket=t, actor=who["agent"])
    return wf.ticket_await_development(ticket=t, actor=who["agent"], text="Correctif planifié.")


def _dev(t: Ticket, who: dict[str, Any]) -> Any:
    _adv(t, who)
    wf.ticket_start_development(ticket=t, actor=who["agent"])
    return wf.ticket_change_etat(ticket=t, actor=who["agent"], etat="EC")


def _pec(t: Ticket, who: dict[str, Any]) -> Any:
    _dev(t, who)
    return wf.ticket_take_into_account(ticket=t, actor=who["agent"], text="Correctif livré en qualification.")


# The agency's full lifecycle (seed 002), on its DA branch: one DA per status of the cycle.
AGENCY_SCENARIOS: list[tuple[str, list[Step]]] = [
    ("Lettrage bloqué : analyse confiée au prestataire", [_take, lambda t, w: wf.ticket_hand_to_provider(
        ticket=t, actor=w["agent"], provider=w["provider"], text="Merci d'analyser ce blocage du lettrage.")]),
    ("Export budgétaire incomplet", [_dev]),
    ("Calcul de la paie des vacataires", [_pec]),
    ("Édition des bons de commande", [_pec, lambda t, w: wf.ticket_start_acceptance(ticket=t, actor=w["agent"])]),
    ("Libellé erroné dans l'écran des tiers", [_pec, lambda t, w: wf.ticket_await_documentation(
        ticket=t, actor=w["agent"], text="Pas d'erreur : la documentation sera mise à jour.")]),
    ("Interface avec l'ancien logiciel de scolarité", [_take, lambda t, w: wf.ticket_await_replacement(
        ticket=t, actor=w["agent"])]),
    ("Évolution hors feuille de route", [_adv, lambda t, w: wf.ticket_exclude(
        ticket=t, actor=w["agent"], text="Évolution écartée par le comité.")]),
]  # fmt: skip


def _demo_category(ctx: DemoContext) -> Category:
    service = ctx.objects.get("service:assistance")
    for key, value in ctx.objects.items():
        usable = key.startswith("category:") and isinstance(value, Category) and value.accepts_tickets
        if usable and (service is None or value.service_id == service.pk):
            return value
    if service is None:
        service, _created = Service.objects.get_or_create(slug="assistance", defaults={"name": "Service d'assistance"})
    category, _created = Category.objects.update_or_create(
        slug="demo-assistance",
        defaults={
            "name": "Assistance (démonstration)",
            "kind": CategoryKind.LEAF,
            "service": service,
            "priority_scheme": PriorityScheme.BLOCKING,
            "domains": ["Fonctionnel", "Technique"],
        },
    )
    return category


def seed(ctx: DemoContext) -> None:
    who = {
        "requester": ctx.objects["user:requester"],
        "correspondent": ctx.objects["user:correspondent"],
        "agent": ctx.objects["user:agent"],
    }
    category = _demo_category(ctx)
    for title, requester_key, steps in SCENARIOS:
        requester = who[requester_key]
        if Ticket.objects.filter(title=title, requester=requester).exists():
            continue
        ticket = wf.ticket_file(
            requester=requester,
            category=category,
            title=title,
            description=f"{title}. Le problème se produit depuis ce matin, sur tous les postes.",
            is_blocking=False if category.priority_scheme == PriorityScheme.BLOCKING else None,
            domain=category.domains[0] if category.domains else "",
        )
        for step in steps:
            step(ticket, who)
    agency_leaf, provider = ctx.objects.get("category:sifac"), ctx.objects.get("provider:demo")
    if agency_leaf is not None and provider is not None:
        who["provider"] = provider
        for title, steps in AGENCY_SCENARIOS:
            if Ticket.objects.filter(title=title, requester=who["correspondent"]).exists():
                continue
            ticket = wf.ticket_file(
                requester=who["correspondent"], category=agency_leaf, title=title, is_blocking=False,
                description=f"{title}. Constaté en production depuis la dernière version.",
                domain=agency_leaf.domains[0] if agency_leaf.domains else "", installed_version="2024.1",
            )  # fmt: skip
            for step in steps:
                step(ticket, who)
    seed_saved_responses()


# Saved responses shared by every demo service (seed 001: "réponses enregistrées").
SAVED_RESPONSES = [
    ("Accusé de prise en charge", "Bonjour {prenom_demandeur},\n\nVotre demande {reference} ({categorie}) est prise "
     "en charge par {agent}. Nous revenons vers vous dès que possible.\n\nCordialement,\n{service}"),
    ("Demande de précisions", "Bonjour {prenom_demandeur},\n\nPour traiter votre demande {reference}, pouvez-vous "
     "nous indiquer le message d'erreur exact, la date et l'heure du problème et, si possible, une capture "
     "d'écran ?\n\nMerci,\n{agent}"),
    ("Clôture après résolution", "Bonjour {prenom_demandeur},\n\nLa solution proposée ci-dessous devrait régler "
     "votre demande {reference}. Merci de la valider si c'est bien le cas.\n\n{agent}, {service}"),
]  # fmt: skip


def seed_saved_responses() -> None:
    """The demo's responses, once for every service (global scope); idempotent.

    Earlier demo data had a copy per service: those copies (same title and text) are folded away."""
    for title, body in SAVED_RESPONSES:
        SavedResponse.objects.filter(service__isnull=False, title=title, body=body).delete()
        SavedResponse.objects.get_or_create(service=None, owner=None, title=title, defaults={"body": body})
