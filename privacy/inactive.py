"""Inactive accounts: warned by mail, then erased after a grace period unless their owner comes back.

A requester account (email-only, self-registered or SSO alike; never staff) is
inactive when neither its last login, nor its creation, nor the latest activity
of a ticket it filed is younger than ``GUICHET_INACTIVE_ACCOUNT_MONTHS``. The
nightly task first erases the accounts warned more than
``GUICHET_INACTIVE_ACCOUNT_GRACE_DAYS`` ago that stayed inactive (through
``privacy.erasure.account_erase``: tickets anonymised, account deleted; an open
ticket or a legal hold keeps it), forgets the warnings of those who came back,
then warns the newly inactive ones (one ``InactivityNotice`` and one mail each).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ANONYMOUS_EMAIL, User
from catalogue.models import ServiceMembership
from helpdesk.mail.compose import queue_email
from privacy.erasure import account_erase
from privacy.models import InactivityNotice
from tickets.exceptions import ActionRefused
from tickets.models import Ticket
from tickets.retention import months_before

logger = logging.getLogger(__name__)


@dataclass
class InactivityReport:
    warned: int = 0
    erased: int = 0
    came_back: int = 0
    kept: int = 0  # an open ticket or a legal hold


def active_since(moment: datetime.datetime) -> Q:
    """Accounts that logged in, were created or saw a ticket of theirs move after ``moment``."""
    recent_ticket = Ticket.objects.filter(requester=OuterRef("pk"), last_activity_at__gte=moment)
    return Q(last_login__gte=moment) | Q(date_joined__gte=moment) | Q(Exists(recent_ticket))


def requester_accounts():
    staff = ServiceMembership.objects.filter(user=OuterRef("pk"))
    return User.objects.filter(is_staff=False, is_superuser=False).exclude(email=ANONYMOUS_EMAIL).exclude(Exists(staff))


def inactive_accounts(now: datetime.datetime):
    return requester_accounts().exclude(active_since(months_before(now, settings.GUICHET_INACTIVE_ACCOUNT_MONTHS)))


def handle_inactive_accounts(*, now: datetime.datetime | None = None, limit: int = 1000) -> InactivityReport:
    now = now or timezone.now()
    report = InactivityReport()
    grace_end = now - datetime.timedelta(days=settings.GUICHET_INACTIVE_ACCOUNT_GRACE_DAYS)
    for notice in InactivityNotice.objects.filter(warned_at__lt=grace_end).select_related("user")[:limit]:
        user = notice.user
        if requester_accounts().filter(pk=user.pk).filter(active_since(notice.warned_at)).exists():
            notice.delete()
            report.came_back += 1
            continue
        try:
            check = account_erase(user=user, reason=str(_("Compte inactif")), now=now)
        except ActionRefused:
            report.kept += 1
            continue
        if check.held_tickets:
            report.kept += 1
        else:
            report.erased += 1
    warned = InactivityNotice.objects.filter(user=OuterRef("pk"))
    for user in inactive_accounts(now).exclude(Exists(warned)).exclude(is_active=False)[:limit]:
        with transaction.atomic():
            InactivityNotice.objects.create(user=user, warned_at=now)
            erase_on = now + datetime.timedelta(days=settings.GUICHET_INACTIVE_ACCOUNT_GRACE_DAYS)
            queue_email(
                to=user.email, subject=_("Votre compte Guichet va être supprimé"),
                template="email/privacy/inactive_account", language=user.language, kind="inactive_account",
                context={"recipient_name": user.get_full_name(), "months": settings.GUICHET_INACTIVE_ACCOUNT_MONTHS,
                         "erase_on": formats.date_format(erase_on.date())},
            )  # fmt: skip
        report.warned += 1
    if report.warned or report.erased:
        logger.info("inactive accounts: %s", report)
    return report
