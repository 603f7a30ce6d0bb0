"""Correspondents act for their institution on the agency's branches only (DESIGN.md, "Correspondent").

``colleague`` is a correspondent of ``requester``'s institution. On a branch
open to correspondents (the agency's DA branches) they read, answer, approve
and refuse the requester's tickets; on the institution's own services (a
university service, a legal SVE request) they are an ordinary requester and
do not see them. Withdrawing is the requester's alone, everywhere.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalogue.models import Category, CategoryKind
from tickets import workflow as wf
from tickets.models import Ticket
from tickets.status import TicketStatus

ACTIONS = ["read", "answer", "approve", "refuse", "withdraw"]
# (branch, action) -> may the correspondent do it?
MATRIX = {
    ("agency", "read"): True,
    ("agency", "answer"): True,
    ("agency", "approve"): True,
    ("agency", "refuse"): True,
    ("agency", "withdraw"): False,
    **{(branch, action): False for branch in ("university", "sve") for action in ACTIONS},
}
# The status each action starts from, and the status it leads to.
FROM_TO = {
    "answer": (TicketStatus.ARS, TicketStatus.ECT),
    "approve": (TicketStatus.AVS, TicketStatus.TER),
    "refuse": (TicketStatus.AVS, TicketStatus.ECT),
    "withdraw": (TicketStatus.ECT, TicketStatus.ABN),
}


@pytest.fixture
def branches(category, service):
    """The agency's DA leaf (``category``, under a box open to correspondents, so it
    inherits the setting), a university service and a legal SVE request."""
    university = Category.objects.create(name="Université", slug="universite", kind=CategoryKind.GROUP)
    it_help = Category.objects.create(
        name="Aide informatique", slug="aide-info", parent=university, kind=CategoryKind.LEAF, service=service
    )
    sve = Category.objects.create(
        name="Demande de bourse", slug="bourse", parent=university, kind=CategoryKind.LEAF, service=service,
        is_sve=True, sve_processing_delay="2 mois", sve_implicit_decision="Rejet implicite.",
    )  # fmt: skip
    return {"agency": category, "university": it_help, "sve": sve}


def bring_to(ticket: Ticket, status: str, agent) -> Ticket:
    wf.ticket_take(ticket=ticket, actor=agent)
    if status == TicketStatus.ARS:
        wf.ticket_ask(ticket=ticket, actor=agent, text="Quelle version ?")
    elif status == TicketStatus.AVS:
        wf.ticket_propose(ticket=ticket, actor=agent, text="Redémarrez le serveur.")
    ticket.refresh_from_db()
    return ticket


def correspondent_may(action: str, ticket: Ticket, client, agent) -> bool:
    """Whether the correspondent's HTTP request did the action (forbidden tickets answer 404)."""
    if action == "read":
        status = client.get(reverse("tickets:detail", args=[ticket.reference])).status_code
        assert status in (200, 404)
        return status == 200
    start, end = FROM_TO[action]
    ticket = bring_to(ticket, start, agent)
    response = client.post(
        reverse(f"tickets:{action}", args=[ticket.reference]),
        {"text": "Mon collègue est absent, je réponds pour lui.", "version": ticket.version},
    )
    assert response.status_code in (302, 403, 404)
    ticket.refresh_from_db()
    assert (response.status_code == 302) == (ticket.status == end)
    return ticket.status == end


@pytest.mark.parametrize("branch", ["agency", "university", "sve"])
@pytest.mark.parametrize("action", ACTIONS)
def test_correspondent_matrix(branch, action, branches, requester, colleague, agent, client_for):
    ticket = wf.ticket_file(
        requester=requester, category=branches[branch], title="Erreur à l'export", description="Code ORA-01555."
    )
    assert correspondent_may(action, ticket, client_for(colleague), agent) == MATRIX[(branch, action)]


@pytest.mark.parametrize("branch", ["agency", "university", "sve"])
def test_correspondent_sees_in_queryset_what_the_permission_allows(branch, branches, requester, colleague):
    ticket = wf.ticket_file(requester=requester, category=branches[branch], title="Export", description="ORA-01555.")
    visible = Ticket.objects.visible_to(colleague).filter(pk=ticket.pk).exists()
    listed = Ticket.objects.requester_side(colleague).filter(pk=ticket.pk).exists()
    assert (visible, listed) == (MATRIX[(branch, "read")], MATRIX[(branch, "read")])


def test_correspondent_own_tickets_everywhere(branches, colleague):
    """On the institution's own services a correspondent is an ordinary requester: their own tickets."""
    mine = [
        wf.ticket_file(requester=colleague, category=branches[b], title="Ma demande", description="Texte.")
        for b in ("agency", "university", "sve")
    ]
    assert set(Ticket.objects.visible_to(colleague)) == set(mine)


def test_requester_withdraws_on_an_agency_branch(branches, requester, agent, client_for):
    ticket = bring_to(wf.ticket_file(requester=requester, category=branches["agency"], title="T", description="D"),
                      TicketStatus.ECT, agent)  # fmt: skip
    response = client_for(requester).post(
        reverse("tickets:withdraw", args=[ticket.reference]), {"text": "Résolu.", "version": ticket.version}
    )
    ticket.refresh_from_db()
    assert (response.status_code, ticket.status) == (302, TicketStatus.ABN)


def test_branch_setting_is_inherited_and_can_be_closed(branches):
    agency_box = branches["agency"].parent
    open_ids = Category.objects.open_to_correspondents_ids()
    assert {b: branches[b].pk in open_ids for b in branches} == {"agency": True, "university": False, "sve": False}
    Category.objects.filter(pk=agency_box.pk).update(open_to_correspondents=False)
    assert branches["agency"].pk not in Category.objects.open_to_correspondents_ids()
    assert Category.objects.get(pk=branches["agency"].pk).is_open_to_correspondents is False
