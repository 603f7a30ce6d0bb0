"""Who gets which mail for each workflow action (outbox rows, in the action's transaction)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.notifications import OptionalNotification
from helpdesk.models import OutboundEmail
from helpdesk.signing import check_ticket_link
from tickets import workflow as wf
from tickets.models import Channel, EventAction
from tickets.notifications.rules import RULES, SILENT_ACTIONS
from tickets.status import TicketStatus

pytestmark = pytest.mark.django_db


def mails(ticket=None) -> list[tuple[str, str]]:
    """(kind, recipient) of the outbox rows, in creation order."""
    rows = OutboundEmail.objects.order_by("pk")
    if ticket is not None:
        rows = rows.filter(ticket_reference=ticket.reference)
    return [(row.kind, row.to[0]) for row in rows]


def last(kind: str) -> OutboundEmail:
    return OutboundEmail.objects.filter(kind=kind).latest("pk")


def test_filing_acknowledges_the_requester_and_tells_the_service(make_ticket, requester, agent, manager):
    ticket = make_ticket()
    assert mails(ticket) == [
        ("acknowledgement", requester.email),
        ("queue_new", agent.email),
        ("queue_new", manager.email),
    ]
    ack = last("acknowledgement")
    assert ack.subject == f"[Guichet #{ticket.reference}] Votre demande a bien été reçue"
    assert ack.headers["Auto-Submitted"] == "auto-generated"
    assert ack.headers["X-Guichet-Ticket"] == str(ticket.reference)
    assert ack.message_id.startswith(f"<g.{ticket.reference}.")
    link = f"{settings.SITE_URL}{reverse('tickets:detail', args=[ticket.reference])}"
    assert link in ack.body_text and f'href="{link}"' in ack.body_html
    assert "Assistance informatique" in ack.body_text
    assert "Bonjour Camille Martin," in ack.body_text


def test_ticket_filed_by_email_is_acknowledged_as_auto_replied(requester, agent, category):
    ticket = wf.ticket_file(
        requester=requester, category=category, title="Par courriel", description="Bonjour", channel=Channel.EMAIL
    )
    ack = OutboundEmail.objects.get(ticket_reference=ticket.reference, kind="acknowledgement")
    assert ack.headers["Auto-Submitted"] == "auto-replied"
    assert last("queue_new").headers["Auto-Submitted"] == "auto-generated"


def test_filing_by_an_agent_acknowledges_the_requester_but_not_the_agent(requester, agent, manager, category):
    ticket = wf.ticket_file(requester=requester, actor=agent, category=category, title="Au téléphone", description="x")
    assert mails(ticket) == [("acknowledgement", requester.email), ("queue_new", manager.email)]


def test_take_tells_the_requester_who_handles_it(make_ticket, requester):
    ticket = make_ticket(TicketStatus.ECT)
    assert mails(ticket)[-1] == ("taken", requester.email)
    taken = last("taken")
    assert taken.subject == f"[Guichet #{ticket.reference}] Votre demande est prise en charge"
    assert "prise en charge par Alex Petit (Assistance informatique)" in taken.body_text


def test_optional_mail_obeys_the_preference(make_ticket, requester):
    requester.notification_opt_outs = [OptionalNotification.TAKEN]
    requester.save()
    ticket = make_ticket(TicketStatus.ECT)
    assert [kind for kind, _to in mails(ticket)] == ["acknowledgement", "queue_new"]


def test_question_carries_its_text_and_the_reminder_date(make_ticket, requester):
    ticket = make_ticket(TicketStatus.ARS)
    question = last("question")
    assert question.to == [requester.email]
    assert "Quelle version ?" in question.body_text
    assert "un rappel vous sera envoyé le" in question.body_text
    assert f"/demandes/{ticket.reference}/#action-answer" in question.body_text


def test_public_reply_is_mailed_to_the_requester_but_an_internal_note_is_not(make_ticket, requester, agent):
    ticket = make_ticket(TicketStatus.ECT)
    wf.ticket_add_message(ticket=ticket, actor=agent, kind="reply", text="Le serveur redémarre ce soir.")
    wf.ticket_add_message(ticket=ticket, actor=agent, kind="note", text="Voir avec le réseau.")
    assert mails(ticket)[-1] == ("reply", requester.email)
    reply = last("reply")
    assert reply.subject == f"[Guichet #{ticket.reference}] Nouveau message sur votre demande"
    assert "Le serveur redémarre ce soir." in reply.body_text
    assert "Voir avec le réseau." not in reply.body_text
    assert OutboundEmail.objects.filter(body_text__contains="Voir avec le réseau.").count() == 0


def test_proposed_answer_links_validate_and_refuse_to_the_ticket_page(make_ticket, requester, client_for):
    ticket = make_ticket(TicketStatus.AVS)
    proposal = last("proposal")
    page = f"{settings.SITE_URL}/demandes/{ticket.reference}/"
    assert f"{page}#action-approve" in proposal.body_text
    assert f"{page}#action-refuse" in proposal.body_text
    assert f'href="{page}#action-approve"' in proposal.body_html
    assert "Redémarrez." in proposal.body_text
    # Following a link never acts: it is a GET of the ticket page.
    response = client_for(requester).get(f"/demandes/{ticket.reference}/")
    assert response.status_code == 200
    assert 'id="action-approve"' in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AVS


def test_requester_answer_goes_to_the_assigned_agent_only(make_ticket, requester, agent):
    ticket = make_ticket(TicketStatus.ARS)
    OutboundEmail.objects.all().delete()
    wf.ticket_answer(ticket=ticket, actor=requester, text="La version 6.2.")
    assert mails(ticket) == [("requester_answered", agent.email)]
    assert "La version 6.2." in last("requester_answered").body_text


def test_refusal_reaches_the_agent_with_its_reason(make_ticket, requester, agent):
    ticket = make_ticket(TicketStatus.AVS)
    OutboundEmail.objects.all().delete()
    wf.ticket_refuse(ticket=ticket, actor=requester, text="Toujours l'erreur 500.")
    assert mails(ticket) == [("answer_refused", agent.email)]
    assert "Toujours l'erreur 500." in last("answer_refused").body_text


def test_assignment_tells_the_assignee_and_the_requester_not_the_manager(make_ticket, requester, agent, manager):
    ticket = make_ticket()
    OutboundEmail.objects.all().delete()
    wf.ticket_assign(ticket=ticket, actor=manager, assignee=agent)
    assert mails(ticket) == [("taken", requester.email), ("assigned", agent.email)]
    assert "Sacha Durand vous a confié la demande" in last("assigned").body_text


def test_agent_taking_a_ticket_is_not_told_it_was_assigned(make_ticket, agent):
    make_ticket(TicketStatus.ECT)
    assert not OutboundEmail.objects.filter(to=[agent.email], kind="assigned").exists()


@pytest.mark.parametrize(
    ("status", "kind", "text"),
    [
        (TicketStatus.REJ, "rejected", "Hors périmètre."),
        (TicketStatus.TER, "closed", None),
    ],
)
def test_closures_tell_the_requester_unless_they_did_it(make_ticket, requester, status, kind, text):
    ticket = make_ticket(status)
    kinds = [k for k, _to in mails(ticket)]
    if status == TicketStatus.TER:  # the requester approved it: nothing to tell them
        assert kind not in kinds
    else:
        assert kinds[-1] == kind
        assert text in last(kind).body_text


def test_correspondent_approving_tells_the_requester(make_ticket, requester, colleague):
    ticket = make_ticket(TicketStatus.AVS)
    wf.ticket_approve(ticket=ticket, actor=colleague)
    closed = last("closed")
    assert closed.to == [requester.email]
    assert "validée par Dominique Bernard" in closed.body_text


def test_requalification_tells_the_requester_what_changed(make_ticket, requester, agent):
    ticket = make_ticket(TicketStatus.ECT)
    wf.ticket_requalify(ticket=ticket, actor=agent, priority=5, text="Tout le service est bloqué.")
    mail = last("requalified")
    assert mail.to == [requester.email]
    assert "priorité : Moyenne → Très haute" in mail.body_text
    assert "Tout le service est bloqué." in mail.body_text


def test_transfer_puts_the_ticket_in_the_new_queue(make_ticket, agent, other_agent, other_category):
    ticket = make_ticket(TicketStatus.ECT)
    wf.ticket_requalify(ticket=ticket, actor=agent, category=other_category)
    assert last("queue_new").to == [other_agent.email]


def test_mail_in_the_recipients_language(make_ticket, requester):
    requester.language = "en"
    requester.save()
    make_ticket()
    ack = last("acknowledgement")
    assert ack.language == "en"
    assert ack.body_text.startswith("Hello Camille Martin,")
    assert last("queue_new").language == "fr"


def test_email_only_requester_gets_a_signed_link(requester, agent, category):
    requester.set_unusable_password()
    requester.is_email_only = True
    requester.save()
    ticket = wf.ticket_file(requester=requester, category=category, title="Sans compte", description="x")
    ack = OutboundEmail.objects.get(ticket_reference=ticket.reference, kind="acknowledgement")
    [token] = [line.split("/lien/")[1] for line in ack.body_text.splitlines() if "/lien/" in line]
    assert check_ticket_link(token) == (ticket.reference, requester.pk)
    # Agents keep the plain address.
    assert "/lien/" not in last("queue_new").body_text


def test_inactive_or_opted_out_agents_get_no_queue_mail(make_ticket, agent, manager):
    manager.is_active = False
    manager.save()
    agent.notification_opt_outs = [OptionalNotification.QUEUE_NEW]
    agent.save()
    ticket = make_ticket()
    assert [kind for kind, _to in mails(ticket)] == ["acknowledgement"]


def test_rolled_back_action_leaves_no_mail(make_ticket, requester):
    ticket = make_ticket(TicketStatus.ARS)
    before = OutboundEmail.objects.count()
    with pytest.raises(wf.StaleTicket):
        wf.ticket_answer(ticket=ticket, actor=requester, text="Réponse", expected_version=ticket.version - 1)
    assert OutboundEmail.objects.count() == before


def test_every_event_action_has_a_rule_or_is_listed_silent():
    assert set(RULES) & set(SILENT_ACTIONS) == set()
    assert set(EventAction) == set(RULES) | set(SILENT_ACTIONS)


def test_closing_as_duplicate_tells_the_requester_like_a_rejection(make_ticket, requester, agent):
    original = make_ticket(TicketStatus.ECT, title="Imprimante")
    duplicate = make_ticket(TicketStatus.ECT, title="Imprimante encore")
    wf.ticket_mark_duplicate(ticket=duplicate, actor=agent, original=original)
    assert mails(duplicate)[-1] == ("closed_as_duplicate", requester.email)
    mail = last("closed_as_duplicate")
    assert mail.subject == f"[Guichet #{duplicate.reference}] Votre demande a été close comme doublon"
    assert f"#{original.reference}" in mail.body_text
