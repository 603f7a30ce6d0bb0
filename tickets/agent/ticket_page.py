"""What the agent's ticket page shows of the action registry, and the clock in its header.

The page is built for an agent who handles tickets all day: one-click actions
(take, resume, take it over) are buttons in the header; the four ways of
writing (reply, internal note, question → ARS, proposal → AVS) are the tabs of
ONE composer; every other action sits in a menu and only the chosen one's
form is rendered (``?action=`` without JavaScript, a fragment with htmx).
Rendering the eleven forms up front made the page 4,000–6,000 px tall and
cost most of its time (issue 22).
"""

from __future__ import annotations

import datetime
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.calendars import calendar_for_institution
from helpdesk.workdays import WorkCalendar, working_days_between
from tickets import selectors
from tickets.actions import ActionSpec
from tickets.models import EventAction, Ticket, TicketEvent
from tickets.status import OPEN_STATES, WAITING_REQUESTER

# The composer's tabs, in this order; each posts to its action's door.
COMPOSER_MODES = ("reply", "internal_note", "ask", "propose")
COMPOSER_ID = "composer-%s"  # the composer form's auto_id: the textarea is #composer-text (keyboard shortcuts)


@dataclass(frozen=True)
class ComposerMode:
    spec: ActionSpec
    tab: str  # the short tab label
    label: str  # the textarea's label in this mode
    placeholder: str


MODE_TEXTS = {
    "reply": (_("Réponse"), _("Réponse au demandeur"), _("Écrivez votre réponse au demandeur…")),
    "internal_note": (
        _("Note interne"), _("Note interne (jamais montrée au demandeur)"),
        _("Écrivez une note pour le service…"),
    ),
    "ask": (_("Question"), _("Question au demandeur (la demande passera en ARS)"), _("Posez votre question…")),
    "propose": (
        _("Proposition"), _("Réponse proposée (le demandeur devra la valider : AVS)"),
        _("Écrivez la solution proposée…"),
    ),
}  # fmt: skip


@dataclass
class PageActions:
    primary: list[ActionSpec] = field(default_factory=list)  # one click, in the header
    composer: list[ComposerMode] = field(default_factory=list)
    menu: list[ActionSpec] = field(default_factory=list)  # one form at a time
    assign_to_me: bool = False  # "M'attribuer": the assign action with oneself, in the header

    def composer_mode(self, name: str | None) -> ComposerMode | None:
        """The mode called ``name``, else the first one offered (None when the composer is not offered)."""
        for mode in self.composer:
            if mode.spec.name == name:
                return mode
        return self.composer[0] if self.composer else None

    def menu_action(self, name: str | None) -> ActionSpec | None:
        return next((spec for spec in self.menu if spec.name == name), None)

    @property
    def menu_names(self) -> str:
        """What the menu shows, as one value (the template keeps the menu rendered per value: ``{% kept %}``)."""
        return ",".join(spec.name for spec in self.menu)

    @property
    def composer_names(self) -> str:
        return ",".join(mode.spec.name for mode in self.composer)


def is_one_click(spec: ActionSpec) -> bool:
    """An action whose form asks nothing but the version seen: a button is the whole form."""
    return set(spec.form.base_fields) == {"version"}


def arrange(specs: list[ActionSpec], ticket: Ticket, user: Any) -> PageActions:
    """``specs`` (the available actions, in registry order) placed on the page."""
    actions = PageActions()
    by_name = {spec.name: spec for spec in specs}
    for name in COMPOSER_MODES:
        if name in by_name:
            actions.composer.append(ComposerMode(by_name[name], *MODE_TEXTS[name]))
    for spec in specs:
        if spec.name in COMPOSER_MODES:
            continue
        (actions.primary if is_one_click(spec) else actions.menu).append(spec)
    actions.assign_to_me = (
        "assign" in by_name
        and "take" not in by_name
        and ticket.assignee_id != user.pk
        and ticket.service_id in getattr(user, "service_ids", ())
    )
    return actions


def composer_form(mode: ComposerMode, ticket: Ticket, user: Any, *, bound: forms.Form | None, text: str) -> forms.Form:
    """The composer's form in ``mode``: the bound one again (errors, kept text) under the composer's ids,
    or a fresh one holding ``text``."""
    if bound is not None:
        form = mode.spec.make_form(ticket, user, bound.data, bound.files, auto_id=COMPOSER_ID)
        form.is_valid()
    else:
        form = mode.spec.make_form(ticket, user, initial={"version": ticket.version, "text": text}, auto_id=COMPOSER_ID)
    widget = form.fields["text"].widget
    widget.attrs = {
        **widget.attrs, "rows": 5, "placeholder": str(mode.placeholder), "aria-describedby": "composer-help",
    }  # fmt: skip
    return form


# The header's count of working days is a hint, not a deadline (the timers read their own calendars):
# each process keeps an institution's closures for a minute rather than reading them on every view.
CALENDAR_MAX_AGE_SECONDS = 60.0
CALENDARS_KEPT = 1000
_calendars: dict[tuple[int | None, str], tuple[float, WorkCalendar]] = {}


def _calendar(institution: Any) -> WorkCalendar:
    key = (institution.pk, institution.holiday_region) if institution is not None else (None, "")
    now = time.monotonic()
    kept = _calendars.get(key)
    if kept is None or now - kept[0] > CALENDAR_MAX_AGE_SECONDS:
        if len(_calendars) >= CALENDARS_KEPT:
            _calendars.clear()
        kept = _calendars[key] = (now, calendar_for_institution(institution))
    return kept[1]


def forget_calendars() -> None:
    """Empty this process's kept calendars (tests)."""
    _calendars.clear()


@dataclass(frozen=True)
class Clock:
    working_days: int | None  # the age of an open ticket in working days
    remind_at: datetime.datetime | None  # the requester timer (ARS, AVS)
    expire_at: datetime.datetime | None


def ticket_clock(ticket: Ticket, now: datetime.datetime) -> Clock:
    """The header's timer: how long an open ticket has been waiting, and the requester timer when one runs."""
    days = None
    if ticket.status in OPEN_STATES:
        days = working_days_between(ticket.created, now, _calendar(ticket.institution))
    waiting = ticket.status in WAITING_REQUESTER
    return Clock(days, ticket.remind_at if waiting else None, ticket.expire_at if waiting else None)


def duplicate_references(events: list[TicketEvent]) -> list[int]:
    """The references of the tickets closed as duplicates of this one, read from its history (each
    attachment writes a MERGE event naming the duplicate): the link back costs no query."""
    references = []
    for event in events:
        if event.action == EventAction.MERGE and (event.changes or {}).get("duplicates"):
            references.append(event.changes["duplicates"][1])
    return references


# --- The history, kept per process ---------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """The page's rendered history and file list, and the duplicates its MERGE events name."""

    files_html: str
    timeline_html: str
    duplicates: list[int]


# The key changes with everything the two fragments show: each action adds its event and its files in
# the transaction that bumps ``version`` (``tickets.workflow``; anonymisation too, and it stamps
# ``anonymised_at``), ``updated`` moves on every save; the viewer's language and time zone change the
# words and the times. Only the service's view is kept (every viewer of the agent page sees the same
# history, internal notes included). What no ticket version follows — a person renaming themselves —
# shows after at most HISTORY_MAX_AGE_SECONDS.
HISTORY_MAX_AGE_SECONDS = 300.0
HISTORY_KEPT = 500  # per process, the most recently used; a few kilobytes each
_histories: OrderedDict[tuple[Any, ...], tuple[float, History]] = OrderedDict()
_histories_lock = threading.Lock()


def history_key(ticket: Ticket) -> tuple[Any, ...]:
    return (
        ticket.pk, ticket.version, ticket.updated, ticket.anonymised_at,
        translation.get_language(), timezone.get_current_timezone_name(),
    )  # fmt: skip


def staff_history(ticket: Ticket, user: Any, *, keep: bool = True) -> History:
    """The history and files as the service sees them: rendered once per ticket version and kept in this
    process — two queries and the timeline's rendering, a fifth of the page's time, for each view of an
    unchanged ticket (issue 22). ``keep=False`` (the page shown again after a refused POST, whose ticket
    a door may have changed in memory only) reads what is kept but keeps nothing new."""
    key = history_key(ticket)
    now = time.monotonic()
    with _histories_lock:
        kept = _histories.get(key)
        if kept is not None and now - kept[0] < HISTORY_MAX_AGE_SECONDS:
            _histories.move_to_end(key)
            return kept[1]
    events, files = selectors.staff_timeline(ticket=ticket, user=user)
    context = {"ticket": ticket, "events": events, "attachments": files}
    history = History(
        files_html=render_to_string("tickets/agent/includes/ticket_files.html", context),
        timeline_html=render_to_string("tickets/includes/timeline.html", context),
        duplicates=duplicate_references(events),
    )
    if not keep:
        return history
    with _histories_lock:
        _histories[key] = (now, history)
        _histories.move_to_end(key)
        while len(_histories) > HISTORY_KEPT:
            _histories.popitem(last=False)
    return history


def forget_histories() -> None:
    """Empty this process's kept histories (tests)."""
    with _histories_lock:
        _histories.clear()
