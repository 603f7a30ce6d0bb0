"""The lifecycle diagram, drawn from the django-fsm graph of ``Ticket`` itself.

``lifecycle_diagram(lifecycle)`` reads the transitions (``get_all_transitions``), keeps those
a branch of that lifecycle can take (their conditions, tried on a stub for every état), and
lays the statuses out in columns: the diagram, its transition table and its list of états can
never drift from the code. Rendered server-side as SVG (``templates/tickets/lifecycle.html``):
no script, no CDN, no inline style.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.utils.translation import gettext_lazy as _

from catalogue.models import Lifecycle
from tickets import permissions as perms
from tickets.models import Ticket
from tickets.status import CLOSED_STATES, ETAT_MEANINGS, ETATS, SEED_MEANINGS, STATUSES_BY_LIFECYCLE, Etat, TicketStatus

S = TicketStatus

# Columns, left to right: filing, handling, the waiting states, the development and acceptance
# cycle, then the closed states. A status of a new column must be placed here (a test checks it).
COLUMNS = [
    [S.NEW],
    [S.ECT],
    [S.ARS, S.AVS, S.ATD, S.ADV, S.REM],
    [S.DEV],
    [S.PEC],
    [S.CTR, S.TND],
    [S.TER, S.REJ, S.EXC, S.ABN],
]

WHO = {
    perms.is_service_staff: _("le service"),
    perms.may_assign: _("le service"),
    perms.is_requester_side: _("le demandeur ou un correspondant de son établissement"),
    perms.is_requester: _("le demandeur seul"),
    perms.is_scheduler: _("Guichet, à l'échéance du délai"),
    perms.is_provider_member: _("le prestataire"),
}

LABELS = {
    "take": _("prendre en charge"),
    "assign": _("confier à un agent"),
    "reject": _("rejeter"),
    "mark_duplicate": _("clore comme doublon"),
    "ask": _("poser une question"),
    "answer": _("répondre à la question"),
    "propose": _("proposer une réponse"),
    "approve": _("valider la réponse"),
    "refuse": _("refuser la réponse"),
    "await_decision": _("mettre en attente de décision"),
    "await_development": _("mettre en attente de développement"),
    "resume": _("reprendre le traitement"),
    "exclude": _("exclure"),
    "withdraw": _("abandonner"),
    "expire_unanswered": _("clore faute de réponse"),
    "expire_unvalidated": _("clore faute de validation"),
    "start_development": _("passer en développement"),
    "take_into_account": _("prendre en compte (qualification)"),
    "start_acceptance": _("passer en recette"),
    "await_documentation": _("documentation à mettre à jour"),
    "complete": _("terminer"),
    "await_replacement": _("attendre le remplacement du logiciel"),
    "exclude_from_cycle": _("exclure"),
    "change_etat": _("changer l'état"),
    "hand_to_provider": _("confier au prestataire (EXT)"),
    "provider_answer": _("répondre pour le prestataire (AVA)"),
    "send_back_to_provider": _("renvoyer au prestataire (EXT)"),
    "take_back_from_provider": _("reprendre au prestataire (INT)"),
    "validate_provider_answer": _("valider la réponse du prestataire et la proposer"),
}

BOX_W, BOX_H, COL_W, ROW_H, MARGIN = 120, 44, 170, 78, 20
PAST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@dataclass
class Node:
    code: str
    label: str
    meaning: str
    x: int
    y: int
    closed: bool
    etats: list[tuple[str, str]] = field(default_factory=list)

    @property
    def cx(self) -> int:
        return self.x + BOX_W // 2

    @property
    def text_y(self) -> int:
        return self.y + 18

    @property
    def sub_y(self) -> int:
        return self.y + 35

    @property
    def etat_codes(self) -> str:
        return " · ".join(code for code, _meaning in self.etats)


@dataclass
class Edge:
    name: str
    label: str
    source: str
    target: str
    who: str
    path: str = ""


def _usable(transition, lifecycle: str) -> bool:
    """Whether a ticket of a ``lifecycle`` branch can take ``transition`` in some état."""
    category = SimpleNamespace(lifecycle_in_force=lifecycle)
    for etat in ["", *Etat.values]:
        stub = SimpleNamespace(category=category, etat=etat, provider_id=1, expire_at=PAST)
        stub.is_due_for_expiry = lambda: True
        if all(condition(stub) for condition in transition.conditions):
            return True
    return False


def transitions(lifecycle: str) -> list[Edge]:
    used = STATUSES_BY_LIFECYCLE[lifecycle]
    edges = []
    for t in Ticket._meta.get_field("status").get_all_transitions(Ticket):
        target = t.target or t.source  # ``change_etat`` keeps the status
        if t.source not in used or target not in used or not _usable(t, lifecycle):
            continue
        edges.append(Edge(t.name, str(LABELS[t.name]), t.source, target, str(WHO[t.permission])))
    order = [code for column in COLUMNS for code in column]
    return sorted(edges, key=lambda e: (order.index(e.source), order.index(e.target), e.name))


def lifecycle_diagram(lifecycle: str) -> dict:
    used = STATUSES_BY_LIFECYCLE[lifecycle]
    nodes: dict[str, Node] = {}
    columns = [[code for code in column if code in used] for column in COLUMNS]
    columns = [column for column in columns if column]
    for index, column in enumerate(columns):
        for row, code in enumerate(column):
            status = TicketStatus(code)
            with_etats = lifecycle == Lifecycle.AGENCY
            etats = [(e, str(ETAT_MEANINGS[(code, e)])) for e in ETATS.get(code, ())] if with_etats else []
            nodes[code] = Node(
                code, str(status.label), str(SEED_MEANINGS[code]), MARGIN + index * COL_W, MARGIN + row * ROW_H,
                code in CLOSED_STATES, etats,
            )  # fmt: skip
    edges = transitions(lifecycle)
    drawn = set()
    for edge in edges:
        key = (edge.source, edge.target)
        if edge.source == edge.target or key in drawn:
            continue
        drawn.add(key)
        edge.path = _path(nodes[edge.source], nodes[edge.target])
    height = MARGIN * 2 + max(len(c) for c in columns) * ROW_H - (ROW_H - BOX_H)
    return {
        "nodes": list(nodes.values()),
        "paths": sorted({e.path for e in edges if e.path}),
        "edges": edges,
        "width": MARGIN * 2 + len(columns) * COL_W - (COL_W - BOX_W),
        "height": height,
        "box_w": BOX_W,
        "box_h": BOX_H,
    }


def _path(a: Node, b: Node) -> str:
    """Forward: from the right side of ``a`` to the left side of ``b``; backward (or within a
    column): a curve below the boxes, so that the two directions never overlap."""
    if b.x > a.x:
        x1, y1, x2, y2 = a.x + BOX_W, a.y + BOX_H // 2, b.x - 4, b.y + BOX_H // 2
        mid = (x1 + x2) // 2
        return f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
    x1, y1, x2, y2 = a.cx - 10, a.y + BOX_H, b.cx + 10, b.y + BOX_H + 4
    drop = max(y1, y2) + 26
    return f"M{x1},{y1} C{x1},{drop} {x2},{drop} {x2},{y2}"
