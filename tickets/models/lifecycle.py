"""The transitions of the agency's full lifecycle (seed 002), mixed into ``Ticket``.

Same django-fsm graph as the core transitions of ``tickets.models.ticket``: each one guards
and changes the status, nothing else; ``tickets.workflow.lifecycle`` is their door. Their
conditions say which branch uses them (``Category.lifecycle``): the core branches never reach
DEV, PEC, CTR, TND, REM or EXC, and the états (``Ticket.etat``) exist on the agency's branches
only. The provider tier (états EXT and AVA of ECT) is written as ECT → ECT transitions so that
the graph, its permissions and the action registry see it like any other step.
"""

from __future__ import annotations

from django_fsm import transition

from catalogue.models import Lifecycle
from tickets import permissions as perms
from tickets.status import Etat
from tickets.status import TicketStatus as S


def on_agency_lifecycle(ticket) -> bool:
    return ticket.category.lifecycle_in_force == Lifecycle.AGENCY


def on_core_lifecycle(ticket) -> bool:
    return not on_agency_lifecycle(ticket)


def handled_by_agency(ticket) -> bool:
    """ECT with the agency's consultant or its internal expertise: it may be handed over."""
    return on_agency_lifecycle(ticket) and ticket.etat in (Etat.INT, Etat.EXP)


def with_provider(ticket) -> bool:
    return ticket.etat == Etat.EXT and ticket.provider_id is not None


def provider_answered(ticket) -> bool:
    return ticket.etat == Etat.AVA


def held_by_provider(ticket) -> bool:
    return ticket.etat in (Etat.EXT, Etat.AVA)


def has_manual_etats(ticket) -> bool:
    """The agency's états, except while the provider holds the DA (take it back first)."""
    return on_agency_lifecycle(ticket) and ticket.etat not in (Etat.EXT, Etat.AVA)


# The statuses of the cycle an agent excludes from (seed 002: EXC, "exclu / rejeté").
EXCLUDABLE = [S.ATD, S.ADV, S.DEV, S.PEC, S.CTR, S.TND, S.REM]


class LifecycleTransitions:
    """Mixed into ``Ticket`` (django-fsm collects these by the field name ``status``)."""

    # --- Development and acceptance cycle ----------------------------------------------

    @transition(field="status", source=S.ADV, target=S.DEV, permission=perms.is_service_staff,
                conditions=[on_agency_lifecycle])  # fmt: skip
    def start_development(self) -> None:
        pass

    @transition(field="status", source=S.DEV, target=S.PEC, permission=perms.is_service_staff,
                conditions=[on_agency_lifecycle])  # fmt: skip
    def take_into_account(self) -> None:
        """Developed: the fix is to be passed to the qualification environment."""

    @transition(field="status", source=S.PEC, target=S.CTR, permission=perms.is_service_staff,
                conditions=[on_agency_lifecycle])  # fmt: skip
    def start_acceptance(self) -> None:
        pass

    @transition(field="status", source=[S.PEC, S.CTR], target=S.TND, permission=perms.is_service_staff,
                conditions=[on_agency_lifecycle])  # fmt: skip
    def await_documentation(self) -> None:
        """No error (or accepted): the functional documentation is to be updated."""

    @transition(field="status", source=[S.CTR, S.TND], target=S.TER, permission=perms.is_service_staff,
                conditions=[on_agency_lifecycle])  # fmt: skip
    def complete(self) -> None:
        pass

    @transition(field="status", source=[S.ECT, S.ATD, S.ADV], target=S.REM, permission=perms.is_service_staff,
                conditions=[on_agency_lifecycle])  # fmt: skip
    def await_replacement(self) -> None:
        """The software is being replaced: the DA waits for it."""

    @transition(field="status", source=EXCLUDABLE, target=S.EXC, permission=perms.is_service_staff,
                conditions=[on_agency_lifecycle])  # fmt: skip
    def exclude_from_cycle(self) -> None:
        pass

    # --- États set by hand (INT, EXP; INI, EC, SUS, CLO of DEV; EC, CLO of CTR) --------

    @transition(field="status", source=[S.ECT, S.DEV, S.CTR], target=None, permission=perms.is_service_staff,
                conditions=[has_manual_etats])  # fmt: skip
    def change_etat(self) -> None:
        """The status stays; the door sets ``etat``."""

    # --- The external provider tier (ECT: INT/EXP → EXT → AVA → AVS, or back to EXT) ----

    @transition(field="status", source=S.ECT, target=S.ECT, permission=perms.is_service_staff,
                conditions=[handled_by_agency])  # fmt: skip
    def hand_to_provider(self) -> None:
        pass

    @transition(field="status", source=S.ECT, target=S.ECT, permission=perms.is_provider_member,
                conditions=[with_provider])  # fmt: skip
    def provider_answer(self) -> None:
        pass

    @transition(field="status", source=S.ECT, target=S.ECT, permission=perms.is_service_staff,
                conditions=[provider_answered])  # fmt: skip
    def send_back_to_provider(self) -> None:
        pass

    @transition(field="status", source=S.ECT, target=S.ECT, permission=perms.is_service_staff,
                conditions=[held_by_provider])  # fmt: skip
    def take_back_from_provider(self) -> None:
        pass

    @transition(field="status", source=S.ECT, target=S.AVS, permission=perms.is_service_staff,
                conditions=[provider_answered])  # fmt: skip
    def validate_provider_answer(self) -> None:
        """The agency proposes the provider's answer (as it validated it) to the institution."""
