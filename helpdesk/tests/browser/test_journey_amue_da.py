"""Journey 2 (Amue DA), in Chromium, with the mails read from the real SMTP sink.

A functional correspondent of Aix-Marseille searches the knowledge base,
finds nothing, and files a DA on SIFAC with the installed version and the
blocking priority. An agent of the Amue (in another browser) takes it and
asks a question; the correspondent opens the link of the question mail and
answers; the agent proposes an answer, which the correspondent refuses with
a reason; the agent proposes again, and a colleague correspondent of the
same institution approves. The category's policy is "publish": the answer
becomes an article that an anonymous visitor then finds in /kb/.

Every mail is sent by the real Celery worker to the real SMTP server; every
page is checked with axe-core and photographed.
"""

from __future__ import annotations

import pytest

from knowledge.models import Article, ArticleStatus
from tickets.models import EventAction, Ticket
from tickets.status import TicketStatus

from .journey import Journey, agent_click, agent_compose, click_through, open_from_mail, sign_in
from .mails import ticket_links, wait_for_mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUERY = "SIFAC-F110 lettrage"
TITLE = "Erreur SIFAC-F110 au lettrage des encaissements"
QUESTION = "Sur quelle transaction l'erreur apparaît-elle, et pour quel type de pièce ?"
FIRST_ANSWER = "Relancez le programme de lettrage en mode test."
REFUSAL = "Le mode test donne la même erreur SIFAC-F110 : le problème n'est pas réglé."
SECOND_ANSWER = (
    "L'erreur SIFAC-F110 vient d'un compte de tiers bloqué : débloquez-le par la transaction FK05, "
    "puis relancez le lettrage des encaissements."
)


def test_journey_2_amue_da(page, new_tab, demo, celery_worker, smtp):
    journey = Journey(page, "journey-2-amue-da")
    password = demo.password
    correspondent = demo.objects["user:correspondent"]
    colleague = demo.objects["user:colleague"]
    agent = demo.objects["user:agent"]

    # The correspondent looks in the knowledge base first, and finds nothing.
    sign_in(journey, page, correspondent.email, password)
    journey.step("correspondent home")
    click_through(page, page.locator("header a[href='/kb/']").first)
    page.locator("#id_q").fill(QUERY)
    click_through(page, page.locator("main form[role=search] button[type=submit]"))
    assert page.locator("#kb-results-title").inner_text().strip().startswith("0 article")
    journey.step("kb nothing found")

    # Files a DA on SIFAC: installed version, blocking priority, domain.
    page.goto(page.base_url + "/catalogue/amue-da/")
    journey.step("amue catalogue")
    click_through(page, page.locator("main a[href='/catalogue/amue-sifac/']"))
    journey.step("sifac leaf")
    click_through(page, page.locator("main a[href='/demandes/nouvelle/amue-sifac/']"))
    assert page.locator("#id_installed_version").input_value() == "2024.1"  # as AMU declared it
    journey.step("filing form")
    page.locator("#id_title").fill(TITLE)
    page.get_by_label("Bloquant", exact=True).check()
    page.locator("#id_domain").select_option("Recettes")
    page.locator("#id_installed_version").fill("2024.1.3")
    page.locator("#id_description").fill(
        "Depuis la mise à jour, le lettrage des encaissements s'arrête sur l'erreur SIFAC-F110. "
        "Plus aucun encaissement ne peut être lettré."
    )
    journey.step("filing form filled")
    click_through(page, page.locator("main button[name=step][value=preview]"))
    journey.step("preview")
    click_through(page, page.locator("main button[name=step][value=submit]"))
    journey.step("filed")
    ticket = Ticket.objects.get()
    ref = ticket.reference
    assert (ticket.requester, ticket.category.slug, ticket.is_blocking) == (correspondent, "amue-sifac", True)
    assert (ticket.installed_version, ticket.domain, ticket.software.name) == ("2024.1.3", "Recettes", "SIFAC")
    wait_for_mail(smtp, to=correspondent.email, kind="acknowledgement", reference=ref)
    queue_mail = wait_for_mail(smtp, to=agent.email, kind="queue_new", reference=ref)
    assert ticket_links(queue_mail, page.base_url, ref) == [f"{page.base_url}/demandes/{ref}/"]

    # The agent, in another browser, takes it from the queue and asks a question.
    agent_tab = new_tab()
    sign_in(journey, agent_tab, agent.email, password)
    agent_tab.goto(agent_tab.base_url + "/traitement/")
    journey.step("agent queue", page=agent_tab)
    click_through(agent_tab, agent_tab.locator(f"main a[href='/traitement/{ref}/']").first)
    journey.step("agent ticket", page=agent_tab)
    agent_click(agent_tab, "Je prends la demande")
    journey.step("taken", page=agent_tab)
    agent_compose(agent_tab, "ask", QUESTION)
    journey.step("question asked", page=agent_tab)
    assert _status(ticket) == TicketStatus.ARS

    # The question reaches the correspondent by mail; its link opens the ticket (and changes nothing).
    question = wait_for_mail(smtp, to=correspondent.email, kind="question", reference=ref)
    assert QUESTION in question.body("text/plain")
    link = f"{page.base_url}/demandes/{ref}/#action-answer"
    assert link in ticket_links(question, page.base_url, ref)
    version = Ticket.objects.get().version
    page = open_from_mail(page, link)
    assert page.url == link
    assert (Ticket.objects.get().version, _status(ticket)) == (version, TicketStatus.ARS)  # GET never acts
    journey.step("question mail link", page=page)
    page.locator("#id_answer_text").fill("Transaction FEBAN, pièces de type DZ (encaissements par virement).")
    click_through(page, page.locator("#action-answer ~ form button[type=submit]"))
    journey.step("answered")
    assert _status(ticket) == TicketStatus.ECT
    wait_for_mail(smtp, to=agent.email, kind="requester_answered", reference=ref)

    # The agent proposes an answer; the correspondent refuses it with a reason.
    agent_tab.reload()
    agent_compose(agent_tab, "propose", FIRST_ANSWER)
    journey.step("first answer proposed", page=agent_tab)
    proposal = wait_for_mail(smtp, to=correspondent.email, kind="proposal", reference=ref)
    assert FIRST_ANSWER in proposal.body("text/plain")
    refuse_link = f"{page.base_url}/demandes/{ref}/#action-refuse"
    assert refuse_link in ticket_links(proposal, page.base_url, ref)
    page = open_from_mail(page, refuse_link)
    assert _status(ticket) == TicketStatus.AVS
    journey.step("proposal mail link")
    page.locator("#id_refuse_text").fill(REFUSAL)
    click_through(page, page.locator("#action-refuse ~ form button[type=submit]"))
    journey.step("answer refused")
    assert _status(ticket) == TicketStatus.ECT
    refused = wait_for_mail(smtp, to=agent.email, kind="answer_refused", reference=ref)
    assert REFUSAL in refused.body("text/plain")

    # The agent proposes again.
    agent_tab.reload()
    assert REFUSAL in agent_tab.locator("main").inner_text()
    agent_compose(agent_tab, "propose", SECOND_ANSWER)
    journey.step("second answer proposed", page=agent_tab)
    proposal = wait_for_mail(smtp, to=correspondent.email, kind="proposal", reference=ref, count=2)
    assert SECOND_ANSWER in proposal.body("text/plain")

    # A colleague correspondent of the same institution approves it from their own list.
    colleague_tab = new_tab()
    sign_in(journey, colleague_tab, colleague.email, password)
    colleague_tab.goto(colleague_tab.base_url + "/demandes/")
    journey.step("colleague tickets", page=colleague_tab)
    click_through(colleague_tab, colleague_tab.locator(f"main a[href='/demandes/{ref}/']").first)
    assert SECOND_ANSWER in colleague_tab.locator("main").inner_text()
    journey.step("colleague ticket", page=colleague_tab)
    colleague_tab.locator("#id_approve_text").fill("Validé en l'absence de Dominique : le lettrage fonctionne.")
    click_through(colleague_tab, colleague_tab.locator("#action-approve ~ form button[type=submit]"))
    journey.step("approved by colleague", page=colleague_tab)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.TER
    assert ticket.events.get(action=EventAction.APPROVE).actor == colleague
    closed = wait_for_mail(smtp, to=correspondent.email, kind="closed", reference=ref)
    assert ticket_links(closed, page.base_url, ref) == [f"{page.base_url}/demandes/{ref}/"]

    # The answer is now an article anyone finds (the SIFAC leaf's policy is "publish").
    article = Article.objects.get(source_ticket_reference=ref)
    assert article.status == ArticleStatus.PUBLISHED
    visitor = new_tab()
    visitor.goto(visitor.base_url + "/kb/")
    journey.step("anonymous kb", page=visitor)
    visitor.locator("#id_q").fill(QUERY)
    click_through(visitor, visitor.locator("main form[role=search] button[type=submit]"))
    assert visitor.locator("#kb-results-title").inner_text().strip() == "1 article"
    journey.step("anonymous kb finds the article", page=visitor)
    click_through(visitor, visitor.locator(f"main a[href='/kb/articles/{article.pk}/']").first)
    text = visitor.locator("main").inner_text()
    assert "FK05" in text
    for name in ("Dominique", "Bernard", "Yannick", "Morel", correspondent.email):
        assert name not in text, f"{name} left in the public article"
    journey.step("anonymous reads the article", page=visitor)


def _status(ticket: Ticket) -> str:
    return Ticket.objects.filter(pk=ticket.pk).values_list("status", flat=True).get()
