"""The agent page's layout of actions (header buttons, a menu opening one form at a time) and the staff-side
defects of issue 17: transfer out of one's services, duplicate links both ways, the 409 wording."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tickets import workflow as wf
from tickets.status import TicketStatus
from tickets.views.acting import STALE_TEXT_KEPT


def page(ticket) -> str:
    return reverse("agent:ticket", args=[ticket.reference])


def open_forms(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="/traitement/\d+/([\w-]+)/"[^>]*class="action__form"', html)


@pytest.mark.django_db
def test_new_ticket_header_has_take_and_no_action_form_is_rendered(make_ticket, agent, client_for):
    ticket = make_ticket()
    html = client_for(agent).get(page(ticket)).content.decode()
    header = html[html.index('<header class="ticket-head"') : html.index("</header>", html.index("ticket-head"))]
    assert f'action="{reverse("agent:take", args=[ticket.reference])}"' in header
    assert "Je prends la demande" in header
    assert open_forms(html) == []
    for name in ("reject", "requalify", "duplicate", "add_watcher", "assign"):
        assert reverse("agent:action_form", args=[ticket.reference, name]) in header, name


@pytest.mark.django_db
def test_action_in_the_query_string_opens_that_form_alone(make_ticket, agent, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    html = client_for(agent).get(page(ticket), {"action": "requalify"}).content.decode()
    assert open_forms(html) == ["requalifier"]
    assert 'id="id_requalify_category"' in html
    # An action not offered in this state (resume on ECT) or unknown opens nothing.
    for name in ("resume", "nimporte"):
        assert open_forms(client_for(agent).get(page(ticket), {"action": name}).content.decode()) == []


@pytest.mark.django_db
def test_action_form_fragment_for_htmx(make_ticket, agent, other_agent, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    url = reverse("agent:action_form", args=[ticket.reference, "duplicate"])
    client = client_for(agent)
    answer = client.get(url, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert open_forms(html) == ["doublon"] and "<html" not in html
    assert f'name="version" value="{ticket.version}"' in html
    no_js = client.get(url)
    assert (no_js.status_code, no_js["Location"]) == (302, f"{page(ticket)}?action=duplicate#action-panel")
    assert client.get(reverse("agent:action_form", args=[ticket.reference, "resume"])).status_code == 404
    assert client.get(reverse("agent:action_form", args=[ticket.reference, "reply"])).status_code == 404
    assert client_for(other_agent).get(url, headers={"HX-Request": "true"}).status_code == 404


@pytest.mark.django_db
def test_menu_form_error_shows_the_summary_at_the_top_and_keeps_the_text(make_ticket, agent, client_for):
    ticket = make_ticket()
    url = reverse("agent:reject", args=[ticket.reference])
    response = client_for(agent).post(url, {"version": "x", "text": "Hors du périmètre du service"})
    assert response.status_code == 400
    html = response.content.decode()
    assert html.index('id="error-summary"') < html.index('id="ticket-title"')
    assert open_forms(html) == ["rejeter"]
    assert "Hors du périmètre du service</textarea>" in html


@pytest.mark.django_db
def test_assign_to_me_when_a_colleague_holds_the_ticket(make_ticket, agent, manager, client_for):
    ticket = make_ticket()
    wf.ticket_take(ticket=ticket, actor=manager)
    ticket.refresh_from_db()
    client = client_for(agent)
    html = client.get(page(ticket)).content.decode()
    assert "attribuer la demande" in html
    response = client.post(
        reverse("agent:assign", args=[ticket.reference]), {"version": ticket.version, "assignee": agent.pk}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert "attribuer la demande" not in client.get(page(ticket)).content.decode()


@pytest.mark.django_db
def test_transfer_out_of_my_services_lands_on_the_queue_with_the_message(
    make_ticket, agent, other_category, other_service, client_for
):
    ticket = make_ticket(TicketStatus.ECT)
    client = client_for(agent)
    response = client.post(
        reverse("agent:requalify", args=[ticket.reference]),
        {"version": ticket.version, "category": other_category.pk, "reason": "Relève de la scolarité."},
    )
    assert (response.status_code, response["Location"]) == (302, reverse("agent:queue"))
    queue = client.get(response["Location"]).content.decode()
    assert "La demande est requalifiée." in queue
    assert f"La demande #{ticket.reference} est désormais traitée par « {other_service.name} »" in queue


@pytest.mark.django_db
def test_requalify_within_my_service_stays_on_the_page(make_ticket, agent, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    response = client_for(agent).post(
        reverse("agent:requalify", args=[ticket.reference]), {"version": ticket.version, "priority": "5"}
    )
    assert (response.status_code, response["Location"]) == (302, page(ticket))


@pytest.mark.django_db
def test_duplicate_links_to_the_staff_page_and_the_original_links_back(make_ticket, agent, client_for):
    original = make_ticket(TicketStatus.ECT, title="Original")
    duplicate = make_ticket(title="Le doublon")
    wf.ticket_mark_duplicate(ticket=duplicate, actor=agent, original=original)
    client = client_for(agent)
    html = client.get(page(duplicate)).content.decode()
    assert f'<a href="{page(original)}">#{original.reference} Original</a>' in html
    assert reverse("tickets:detail", args=[original.reference]) not in html
    html = client.get(page(original)).content.decode()
    assert "Ses doublons" in html
    assert f'<a href="{page(duplicate)}">#{duplicate.reference}</a>' in html


@pytest.mark.django_db
def test_409_tells_what_to_do_with_the_kept_text(make_ticket, agent, manager, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    seen = ticket.version
    wf.ticket_add_message(ticket=ticket, actor=manager, kind="reply", text="Je m'en occupe.")
    response = client_for(agent).post(
        reverse("agent:compose", args=[ticket.reference]),
        {"mode": "reply", "version": seen, "text": "Mon brouillon"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "veuillez recharger la page" not in html
    assert str(STALE_TEXT_KEPT).replace("'", "&#x27;") in html
    assert "Mon brouillon</textarea>" in html


@pytest.mark.django_db
def test_the_kept_subnav_follows_the_section_the_roles_the_query_and_the_language(
    make_ticket, agent, manager, client_for
):
    """The agent subnav and the shortcuts' help are rendered once per process for each set of values they
    show (``{% kept %}``, issue 22): each page still marks its own section, shows its own search, and the
    links a manager has that an agent has not."""
    ticket = make_ticket()
    agent_client, manager_client = client_for(agent), client_for(manager)

    def subnav(client, url, **params) -> str:
        html = client.get(url, params).content.decode()
        return html[html.index('<nav class="subnav"') : html.index("</nav>", html.index('<nav class="subnav"'))]

    queue = subnav(agent_client, reverse("agent:queue"))
    assert f'href="{reverse("agent:queue")}" aria-current="page"' in queue
    journal = subnav(agent_client, reverse("agent:journal"))
    assert f'href="{reverse("agent:journal")}" aria-current="page"' in journal
    assert 'aria-current="page"' not in subnav(agent_client, page(ticket))
    assert 'value="imprimante"' in subnav(agent_client, reverse("agent:search"), q="imprimante")
    assert 'value="scanner"' in subnav(agent_client, reverse("agent:search"), q="scanner")
    assert reverse("agent:responses") not in subnav(agent_client, page(ticket))
    assert reverse("agent:responses") in subnav(manager_client, page(ticket))
    agent.keyboard_shortcuts = False
    agent.save(update_fields=["keyboard_shortcuts"])
    html = agent_client.get(page(ticket)).content.decode()
    assert "data-shortcuts-open" not in html and 'id="shortcuts-help"' not in html
    french = subnav(agent_client, page(ticket))
    agent_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = subnav(agent_client, page(ticket))
    assert "File d'attente" in french.replace("&#x27;", "'") and ">Queue<" in english, english
