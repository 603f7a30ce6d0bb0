"""The notifications a user may turn off on the preferences page.

Only non-essential emails are listed: an acknowledgement of receipt, a
question the agent asks (ARS) or a proposed answer awaiting validation (AVS)
carry a legal or workflow deadline and are always sent. The notifications
code reads ``User.notification_opt_outs`` (a list of these codes) through
:func:`wants_notification` before queueing an optional email.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts import roles

if TYPE_CHECKING:
    from accounts.models import User


class OptionalNotification(models.TextChoices):
    # To requesters
    TAKEN = "taken", _("Ma demande a été prise en charge")
    REQUALIFIED = "requalified", _("La priorité ou la catégorie de ma demande a changé")
    REMINDER = "reminder", _("Rappels avant clôture automatique")
    COLLEAGUE_ACTIVITY = "colleague_activity", _("Activité sur les demandes de mon établissement (correspondants)")
    # To agents
    QUEUE_NEW = "queue_new", _("Nouvelle demande dans la file de mon service")
    # Turned off, the new tickets of the day come in one morning digest instead.
    QUEUE_IMMEDIATE = (
        "queue_immediate",
        _("Nouvelles demandes de ma file : un courriel par demande (sinon, un résumé quotidien le matin)"),
    )
    REQUESTER_ANSWERED = "requester_answered", _("Le demandeur a répondu à une demande que je suis")
    ANSWER_REFUSED = "answer_refused", _("Une réponse proposée a été refusée")
    ASSIGNED = "assigned", _("Une demande m'a été attribuée")


STAFF_ONLY = frozenset(
    {
        OptionalNotification.QUEUE_NEW,
        OptionalNotification.QUEUE_IMMEDIATE,
        OptionalNotification.REQUESTER_ANSWERED,
        OptionalNotification.ANSWER_REFUSED,
        OptionalNotification.ASSIGNED,
    }
)


def choices_for(user: User) -> list[tuple[str, str]]:
    """The opt-outs that make sense for this user (agents see the agent ones)."""
    return [
        (code, label)
        for code, label in OptionalNotification.choices
        if code not in STAFF_ONLY or roles.is_agent(user)
        if code != OptionalNotification.COLLEAGUE_ACTIVITY or user.is_correspondent
    ]


def wants_notification(user: User, code: str) -> bool:
    """False when the user turned this optional notification off; essential codes are always True."""
    if code not in OptionalNotification.values:
        return True
    return code not in (user.notification_opt_outs or [])


def wants_immediate_queue_mail(user: User) -> bool:
    """Agents get one mail per new ticket in their queue unless they chose the daily digest."""
    return wants_notification(user, OptionalNotification.QUEUE_NEW) and wants_notification(
        user, OptionalNotification.QUEUE_IMMEDIATE
    )


def wants_queue_digest(user: User) -> bool:
    """The daily digest of new tickets: for agents who turned the one-by-one mails off, not all of them."""
    return wants_notification(user, OptionalNotification.QUEUE_NEW) and not wants_notification(
        user, OptionalNotification.QUEUE_IMMEDIATE
    )
