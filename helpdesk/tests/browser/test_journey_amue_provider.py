"""Journey 2b (Amue DA with the external provider, then the institution record), in Chromium.

A functional correspondent of Aix-Marseille files a DA on SIFAC; an agent of the Amue takes it
and hands it to the external provider (état EXT); the provider's consultant, in a third
browser, finds it in the list of DAs handed to their organisation and answers (AVA): the
correspondent sees nothing of it yet; the agent validates the answer and proposes it (AVS);
the correspondent approves. Then the correspondent proposes the new installed version of
SIFAC on the institution record; the agent approves it from the validation queue, and the
next DA form pre-fills it. Every page is checked with axe-core and photographed.
"""

from __future__ import annotations

import pytest

from catalogue.models import InstalledSoftware, RecordChange
from tickets.models import Ticket
from tickets.status import Etat, TicketStatus

from .journey import Journey, agent_click, agent_open_action, agent_submit_action, click_through, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BRIEF = "Le lettrage SIFAC-F110 relève de votre correctif : merci d'analyser."
PROVIDER_ANSWER = "Le correctif 2024.1.4 corrige SIFAC-F110 : installez-le puis relancez le lettrage."


def test_journey_amue_provider_and_record(page, new_tab, demo, celery_worker, smtp):
    journey = Journey(page, "journey-2b-amue-provider")
    password = demo.password
    correspondent, agent = demo.objects["user:correspondent"], demo.objects["user:agent"]
    consultant = demo.objects["user:provider"]

    # The correspondent files a DA on SIFAC (version pre-filled from the validated record).
    sign_in(journey, page, correspondent.email, password)
    page.goto(page.base_url + "/demandes/nouvelle/amue-sifac/")
    assert page.locator("#id_installed_version").input_value() == "2024.1"
    page.locator("#id_title").fill("Lettrage bloqué par SIFAC-F110")
    page.get_by_label("Bloquant", exact=True).check()
    page.locator("#id_domain").select_option("Recettes")
    page.locator("#id_description").fill("Le lettrage des encaissements s'arrête sur l'erreur SIFAC-F110.")
    click_through(page, page.locator("main button[name=step][value=preview]"))
    click_through(page, page.locator("main button[name=step][value=submit]"))
    journey.step("filed")
    ticket = Ticket.objects.get()
    ref = ticket.reference
    assert (ticket.origin, ticket.status) == ("FA", TicketStatus.NEW)

    # The agent takes it and hands it to the provider.
    agent_tab = new_tab()
    sign_in(journey, agent_tab, agent.email, password)
    agent_tab.goto(f"{agent_tab.base_url}/traitement/{ref}/")
    agent_click(agent_tab, "Je prends la demande")
    journey.step("taken (ECT/INT)", page=agent_tab)
    agent_open_action(agent_tab, "hand_to_provider")
    agent_tab.locator("#id_hand_to_provider_provider").select_option(label="Prestataire Logiciels (démo)")
    agent_tab.locator("#id_hand_to_provider_text").fill(BRIEF)
    journey.step("hand-over form (from the menu)", page=agent_tab)
    agent_submit_action(agent_tab)
    journey.step("handed to the provider (EXT)", page=agent_tab)
    assert _state(ticket) == (TicketStatus.ECT, Etat.EXT)

    # The provider's consultant finds it in their list and answers.
    provider_tab = new_tab()
    sign_in(journey, provider_tab, consultant.email, password)
    provider_tab.goto(provider_tab.base_url + "/demandes/prestataire/")
    journey.step("provider list", page=provider_tab)
    click_through(provider_tab, provider_tab.locator(f"main a[href='/demandes/{ref}/']").first)
    assert BRIEF in provider_tab.locator("main").inner_text()
    journey.step("provider ticket", page=provider_tab)
    provider_tab.locator("#id_provider_answer_text").fill(PROVIDER_ANSWER)
    click_through(provider_tab, provider_tab.locator("#action-provider_answer ~ form button[type=submit]"))
    journey.step("provider answered (AVA)", page=provider_tab)
    assert _state(ticket) == (TicketStatus.ECT, Etat.AVA)

    # The institution sees neither the brief nor the answer before the agency validates it.
    page.goto(f"{page.base_url}/demandes/{ref}/")
    text = page.locator("main").inner_text()
    assert BRIEF not in text and PROVIDER_ANSWER not in text
    assert "La fiche est traitée par le consultant" not in text  # AVA, explained in the seed's words
    journey.step("correspondent while AVA")

    # The agent validates the provider's answer (pre-filled) and proposes it.
    agent_tab.reload()
    agent_open_action(agent_tab, "validate_provider_answer")
    assert agent_tab.locator("#id_validate_provider_answer_text").input_value() == PROVIDER_ANSWER
    journey.step("validation form (from the menu)", page=agent_tab)
    agent_submit_action(agent_tab)
    journey.step("validated and proposed (AVS)", page=agent_tab)
    assert _state(ticket) == (TicketStatus.AVS, "")

    # The correspondent approves.
    page.reload()
    assert PROVIDER_ANSWER in page.locator("main").inner_text()
    page.locator("#id_approve_text").fill("Correctif installé : le lettrage fonctionne.")
    click_through(page, page.locator("#action-approve ~ form button[type=submit]"))
    journey.step("approved")
    assert _state(ticket) == (TicketStatus.TER, "")

    # The correspondent proposes the new installed version on the institution record.
    page.goto(page.base_url + "/etablissement/")
    journey.step("institution record")
    sifac = InstalledSoftware.objects.get(institution=correspondent.institution, software__name="SIFAC")
    page.locator("#id_installation").select_option(str(sifac.pk))
    page.locator("#id_version").fill("2024.1.4")
    click_through(page, page.get_by_role("button", name="Proposer cette version"))
    journey.step("version proposed")
    change = RecordChange.objects.get()
    assert change.status == "pending"

    # The agent approves it from the validation queue, which shows the diff.
    agent_tab.goto(agent_tab.base_url + "/etablissement/validation/")
    assert "2024.1.4" in agent_tab.locator("main").inner_text()
    journey.step("validation queue", page=agent_tab)
    click_through(agent_tab, agent_tab.get_by_role("button", name="Valider et appliquer"))
    journey.step("version approved", page=agent_tab)
    change.refresh_from_db()
    assert change.status == "approved"

    # The next DA pre-fills the version the agency validated.
    page.goto(page.base_url + "/demandes/nouvelle/amue-sifac/")
    assert page.locator("#id_installed_version").input_value() == "2024.1.4"
    journey.step("next DA pre-filled")


def _state(ticket: Ticket) -> tuple[str, str]:
    return Ticket.objects.filter(pk=ticket.pk).values_list("status", "etat").get()
