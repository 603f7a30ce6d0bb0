"""Journey 3 (DNum), in Chromium, with the mails read from the real SMTP sink.

A member of staff of Saint-Étienne files a "Nouveau ticket informatique"
from the DNum box catalogue, with the impact and urgency of the 5-level
matrix and the site. An agent of the DNum (in another browser) takes it,
answers with a saved response inserted into the reply box, then proposes the
solution; the requester opens the "Valider la réponse" link of the proposal
mail and approves, which closes the ticket (TER).

Every mail is sent by the real Celery worker to the real SMTP server; every
page is checked with axe-core and photographed.
"""

from __future__ import annotations

import re

import pytest

from tickets.models import EventAction, MessageKind, Ticket
from tickets.priority import Level
from tickets.status import TicketStatus

from .journey import Journey, agent_click, agent_send, agent_write, click_through, open_from_mail, sign_in
from .mails import ticket_links, wait_for_mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Vidéoprojecteur de l'amphi B sans signal"
SOLUTION = "Le boîtier HDMI de l'amphi B a été remplacé ce matin ; l'image s'affiche de nouveau."


def test_journey_3_dnum(page, new_tab, demo, celery_worker, smtp):
    journey = Journey(page, "journey-3-dnum")
    password = demo.password
    staff = demo.objects["user:staff_requester"]
    agent = demo.objects["user:agent"]

    # The member of staff goes through the DNum box catalogue to "Nouveau ticket informatique".
    sign_in(journey, page, staff.email, password)
    journey.step("staff home")
    click_through(page, page.locator("main a[href='/catalogue/ujm-dnum/']"))
    journey.step("dnum boxes")
    click_through(page, page.locator("main a[href='/catalogue/ujm-dnum-nouveau-ticket/']"))
    journey.step("nouveau ticket informatique")
    click_through(page, page.locator("main a[href='/demandes/nouvelle/ujm-dnum-nouveau-ticket/']"))
    journey.step("filing form")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_impact").select_option(str(Level.HIGH))
    page.locator("#id_urgency").select_option(str(Level.VERY_HIGH))
    page.locator("#id_f-site").select_option("Campus Manufacture")
    page.locator("#id_description").fill("Aucun signal depuis le pupitre ; le cours de 14 h ne peut pas commencer.")
    journey.step("filing form filled")
    click_through(page, page.locator("main button[name=step][value=preview]"))
    assert "Impact : " in page.locator("main").inner_text()
    journey.step("preview")
    click_through(page, page.locator("main button[name=step][value=submit]"))
    journey.step("filed")
    ticket = Ticket.objects.get()
    ref = ticket.reference
    assert (ticket.requester, ticket.category.slug, ticket.status) == (staff, "ujm-dnum-nouveau-ticket", "NEW")
    assert (ticket.impact, ticket.urgency, ticket.form_values) == (
        Level.HIGH,
        Level.VERY_HIGH,
        {"site": "Campus Manufacture"},
    )
    ack = wait_for_mail(smtp, to=staff.email, kind="acknowledgement", reference=ref)
    assert ticket_links(ack, page.base_url, ref) == [f"{page.base_url}/demandes/{ref}/"]
    wait_for_mail(smtp, to=agent.email, kind="queue_new", reference=ref)

    # The agent takes it and answers with a saved response, inserted into the reply box (htmx).
    agent_tab = new_tab()
    sign_in(journey, agent_tab, agent.email, password)
    agent_tab.goto(agent_tab.base_url + "/traitement/")
    journey.step("agent queue", page=agent_tab)
    click_through(agent_tab, agent_tab.locator(f"main a[href='/traitement/{ref}/']").first)
    journey.step("agent ticket", page=agent_tab)
    agent_click(agent_tab, "Je prends la demande")
    journey.step("taken", page=agent_tab)
    agent_write(agent_tab, "reply", "Un technicien passe dans l'amphi B avant 14 h.")
    agent_tab.locator("#composer-saved").select_option(label="Accusé de prise en charge")
    agent_tab.locator("[data-insert-form]").click()
    agent_tab.wait_for_function(
        "() => document.querySelector('#composer-text').value.includes('Bonjour Louis')"
    )  # the box is swapped in place, without reloading the page
    typed_and_inserted = agent_tab.locator("#composer-text").input_value()
    assert typed_and_inserted.startswith("Un technicien passe dans l'amphi B avant 14 h.")
    assert f"Votre demande #{ref} (Nouveau ticket informatique) est prise en charge par Alex Petit" in re.sub(
        r"\s+", " ", typed_and_inserted
    )
    journey.step("saved response inserted", page=agent_tab)
    agent_send(agent_tab)
    journey.step("reply sent", page=agent_tab)
    reply = ticket.messages.get(kind=MessageKind.PUBLIC_REPLY)
    assert reply.body.split() == typed_and_inserted.split()
    reply_mail = wait_for_mail(smtp, to=staff.email, kind="reply", reference=ref)
    assert "Un technicien passe dans l'amphi B avant 14 h." in reply_mail.body("text/plain")

    # Then proposes the solution, with the saved response "Clôture après résolution" inserted into the
    # composer on its "Proposition" tab (swapped in place after the typed text); the mail reaches the requester.
    assert agent_tab.locator("#composer-text").input_value() == ""  # the sent reply is not kept
    agent_write(agent_tab, "propose", SOLUTION)
    agent_tab.locator("#composer-saved").select_option(label="Clôture après résolution")
    agent_tab.locator("[data-insert-form]").click()
    agent_tab.wait_for_function("() => document.querySelector('#composer-text').value.includes('devrait régler')")
    proposed = agent_tab.locator("#composer-text").input_value()
    assert proposed.startswith(SOLUTION)
    assert f"devrait régler votre demande #{ref}" in re.sub(r"\s+", " ", proposed)
    assert agent_tab.locator("[role=tab][data-composer-tab=propose]").get_attribute("aria-selected") == "true"
    journey.step("saved response inserted into the proposal", page=agent_tab)
    agent_send(agent_tab)
    journey.step("solution proposed", page=agent_tab)
    proposal = wait_for_mail(smtp, to=staff.email, kind="proposal", reference=ref)
    assert SOLUTION in proposal.body("text/plain")
    approve_link = f"{page.base_url}/demandes/{ref}/#action-approve"
    assert approve_link in ticket_links(proposal, page.base_url, ref)

    # The requester follows "Valider la réponse" from the mail (opening it changes nothing) and approves.
    version = Ticket.objects.get().version
    page = open_from_mail(page, approve_link)
    assert (Ticket.objects.get().version, Ticket.objects.get().status) == (version, TicketStatus.AVS)
    main = page.locator("main").inner_text()
    assert "Bonjour Louis" in main and SOLUTION in main  # the saved response and the proposal
    journey.step("proposal mail link")
    click_through(page, page.locator("#action-approve ~ form button[type=submit]"))
    journey.step("approved")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.TER
    assert ticket.events.get(action=EventAction.APPROVE).actor == staff
    agent_tab.reload()
    assert agent_tab.locator(".ticket-head .status").inner_text() == "Terminée"  # in the header's facts
    journey.step("agent sees it closed", page=agent_tab)
