"""A hand-built history: tickets moved through the real workflow doors at chosen
moments (May 2026, with the previous period in April), so that every indicator
has a value worked out by hand in the tests.

Calendar of May 2026 (metropolitan France): holidays on Fri 1, Fri 8, Thu 14
(Ascension) and Mon 25 (Pentecost); the institution is closed Mon 18 – Fri 22.
April: Mon 6 is Easter Monday.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import ClosurePeriod
from helpdesk.workdays import PARIS
from stats import facts
from stats.indicators import Period, StatsFilters
from stats.models import CategoryTarget
from tickets import workflow as wf
from tickets.models import Ticket

MAY = Period(start=datetime(2026, 5, 1, tzinfo=PARIS), end=datetime(2026, 6, 1, tzinfo=PARIS))


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=PARIS)


def may_filters(**extra) -> StatsFilters:
    return StatsFilters(period=MAY, **extra)


class History:
    """Acts at a given moment through the workflow doors."""

    def __init__(self, *, requester, agent, category) -> None:
        self.requester, self.agent, self.category = requester, agent, category

    def file(self, when: datetime, **extra) -> Ticket:
        with time_machine.travel(when, tick=False):
            return wf.ticket_file(
                requester=self.requester, category=self.category, title="Messagerie", description="Erreur.", **extra
            )

    def do(self, when: datetime, door, ticket: Ticket, **kwargs) -> None:
        with time_machine.travel(when, tick=False):
            door(ticket=ticket, **kwargs)

    def expire(self, when: datetime, ticket: Ticket) -> None:
        # The timer is made due at ``when``: the scheduler's door does the rest.
        Ticket.objects.filter(pk=ticket.pk).update(expire_at=when - timedelta(hours=1))
        ticket.refresh_from_db()
        self.do(when, lambda ticket: wf.ticket_expire(ticket=ticket), ticket)


@pytest.fixture
def history(requester, agent, category, other_category, institution) -> dict[str, Ticket]:
    """The tickets T0…T10 described in ``test_indicators``."""
    ClosurePeriod.objects.create(
        institution=institution, label="Pont de mai", start=date(2026, 5, 18), end=date(2026, 5, 22)
    )
    h = History(requester=requester, agent=agent, category=category)
    a, r = agent, requester
    t = {}
    # Previous period.
    t["T0"] = h.file(at(4, 1))
    h.do(at(4, 1, 10), wf.ticket_take, t["T0"], actor=a)
    h.do(at(4, 2), wf.ticket_add_message, t["T0"], actor=a, kind="reply", text="Vu.")
    h.do(at(4, 2, 10), wf.ticket_propose, t["T0"], actor=a, text="Redémarrez.")
    h.do(at(4, 7), wf.ticket_approve, t["T0"], actor=r)
    t["T10"] = h.file(at(4, 20))
    h.do(at(4, 21), wf.ticket_take, t["T10"], actor=a)
    h.do(at(4, 22), wf.ticket_await_decision, t["T10"], actor=a)
    h.do(at(5, 4), wf.ticket_resume, t["T10"], actor=a)
    h.do(at(5, 5), wf.ticket_reject, t["T10"], actor=a, text="Hors périmètre.")
    # Current period.
    t["T1"] = h.file(at(5, 4))
    h.do(at(5, 4, 10), wf.ticket_take, t["T1"], actor=a)
    h.do(at(5, 5), wf.ticket_add_message, t["T1"], actor=a, kind="reply", text="Je regarde.")
    h.do(at(5, 5, 11), wf.ticket_propose, t["T1"], actor=a, text="Videz le cache.")
    h.do(at(5, 6), wf.ticket_refuse, t["T1"], actor=r, text="Toujours en panne.")
    h.do(at(5, 6, 15), wf.ticket_propose, t["T1"], actor=a, text="Changez le mot de passe.")
    h.do(at(5, 7), wf.ticket_approve, t["T1"], actor=r)
    t["T2"] = h.file(at(5, 7))
    h.do(at(5, 11), wf.ticket_take, t["T2"], actor=a)
    h.do(at(5, 11, 10), wf.ticket_ask, t["T2"], actor=a, text="Quel navigateur ?")
    h.do(at(5, 12), wf.ticket_answer, t["T2"], actor=r, text="Firefox.")
    h.do(at(5, 13), wf.ticket_propose, t["T2"], actor=a, text="Mettez-le à jour.")
    h.do(at(5, 26), wf.ticket_approve, t["T2"], actor=r)
    t["T3"] = h.file(at(5, 12))
    h.do(at(5, 13), wf.ticket_reject, t["T3"], actor=a, text="Doublon d'un incident connu.")
    t["T4"] = h.file(at(5, 4))
    h.do(at(5, 5), wf.ticket_withdraw, t["T4"], actor=r, text="Résolu seul.")
    t["T5"] = h.file(at(5, 11))
    h.do(at(5, 11, 10), wf.ticket_take, t["T5"], actor=a)
    h.do(at(5, 12), wf.ticket_ask, t["T5"], actor=a, text="Quelle adresse ?")
    h.expire(at(5, 29), t["T5"])
    t["T6"] = h.file(at(5, 13))
    h.do(at(5, 13, 10), wf.ticket_take, t["T6"], actor=a)
    h.do(at(5, 15), wf.ticket_transfer, t["T6"], actor=a, category=other_category, text="Scolarité.")
    t["T7"] = h.file(at(5, 20))
    t["T8"] = h.file(at(5, 29), channel="email")
    h.do(at(5, 29, 10), wf.ticket_take, t["T8"], actor=a)
    t["T9"] = h.file(at(5, 4))
    h.do(at(5, 4, 10), wf.ticket_take, t["T9"], actor=a)
    h.do(at(5, 5), wf.ticket_propose, t["T9"], actor=a, text="Réinstallez.")
    h.expire(at(5, 27), t["T9"])
    # The actions marked their tickets; the facts are read after the flush (the minute's, or a page's).
    facts.refresh_dirty()
    return t


# --- The workload view's set ----------------------------------------------------


def file_ago(requester, category, title: str, *, days_ago: int = 0) -> Ticket:
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        return wf.ticket_file(requester=requester, category=category, title=title, description="Erreur.")


@pytest.fixture
def workload_tickets(requester, agent, manager, other_agent, category, other_category):
    """In ``service`` (target: resolution in 2 working days, set on the parent branch):
    new (unassigned), late (agent, filed 10 days ago), timed_out (agent, ARS past its timer),
    proposed (agent, AVS), managers (manager, in progress), done (closed). In ``other_service``: elsewhere."""
    CategoryTarget.objects.create(category=category.parent, resolution_days=2)
    t = {
        "new": file_ago(requester, category, "Nouvelle"),
        "late": file_ago(requester, category, "En retard", days_ago=10),
        "timed_out": file_ago(requester, category, "Délai écoulé"),
        "proposed": file_ago(requester, category, "Proposée"),
        "managers": file_ago(requester, category, "Chez le responsable"),
        "done": file_ago(requester, category, "Terminée", days_ago=10),
        "elsewhere": file_ago(requester, other_category, "Ailleurs", days_ago=10),
    }
    for key in ("late", "timed_out", "proposed", "done"):
        wf.ticket_take(ticket=t[key], actor=agent)
    wf.ticket_ask(ticket=t["timed_out"], actor=agent, text="Quelle version ?")
    Ticket.objects.filter(pk=t["timed_out"].pk).update(expire_at=timezone.now() - timedelta(hours=1))
    wf.ticket_propose(ticket=t["proposed"], actor=agent, text="Redémarrez.")
    wf.ticket_propose(ticket=t["done"], actor=agent, text="Redémarrez.")
    wf.ticket_approve(ticket=t["done"], actor=requester)
    wf.ticket_take(ticket=t["managers"], actor=manager)
    wf.ticket_take(ticket=t["elsewhere"], actor=other_agent)
    facts.refresh_dirty()
    return t
