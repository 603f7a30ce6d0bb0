"""Inactive accounts, by time travel (``now=``): warned by mail, then erased unless they come back."""

from __future__ import annotations

import datetime

from accounts.models import SSOIdentity, User
from helpdesk.models import OutboundEmail
from privacy.inactive import handle_inactive_accounts
from privacy.models import InactivityNotice
from tickets.models import Ticket
from tickets.retention import months_before

from .test_anonymise import close


def later(months: int, days: int = 0) -> datetime.datetime:
    from django.utils import timezone

    return months_before(timezone.now(), -months) + datetime.timedelta(days=days)


def test_active_accounts_are_not_warned(requester, agent, admin):
    report = handle_inactive_accounts(now=later(35))
    assert (report.warned, InactivityNotice.objects.count()) == (0, 0)


def test_inactive_requester_is_warned_then_erased(requester, agent, admin):
    report = handle_inactive_accounts(now=later(37))
    assert report.warned == 1  # the requester only: staff accounts never
    assert list(InactivityNotice.objects.values_list("user", flat=True)) == [requester.pk]
    mail = OutboundEmail.objects.get(kind="inactive_account")
    assert mail.to == ["requester@example.org"]
    assert "supprimé" in mail.body_text

    assert handle_inactive_accounts(now=later(37, days=10)).warned == 0  # warned once
    assert User.objects.filter(pk=requester.pk).exists()  # grace period
    report = handle_inactive_accounts(now=later(37, days=31))
    assert report.erased == 1
    assert not User.objects.filter(pk=requester.pk).exists()
    assert User.objects.filter(pk__in=[agent.pk, admin.pk]).count() == 2


def test_email_only_and_sso_accounts_follow_the_same_rule(institution):
    User.objects.create_user("mail@example.org", is_email_only=True)
    sso = User.objects.create_user("sso@example.org")
    SSOIdentity.objects.create(user=sso, institution=institution, subject="sso1", attributes={"sn": "Sso"})
    assert handle_inactive_accounts(now=later(37)).warned == 2
    assert handle_inactive_accounts(now=later(37, days=31)).erased == 2
    assert User.objects.filter(email__in=["mail@example.org", "sso@example.org"]).count() == 0


def test_a_login_after_the_warning_keeps_the_account(requester):
    handle_inactive_accounts(now=later(37))
    User.objects.filter(pk=requester.pk).update(last_login=later(37, days=2))
    report = handle_inactive_accounts(now=later(37, days=31))
    assert (report.came_back, report.erased) == (1, 0)
    assert User.objects.filter(pk=requester.pk).exists()
    assert InactivityNotice.objects.count() == 0


def test_an_open_ticket_keeps_the_account_and_a_closed_one_is_anonymised(requester, agent, file_ticket):
    open_ticket = file_ticket(requester, title="Ouverte")
    Ticket.objects.filter(pk=open_ticket.pk).update(last_activity_at=later(-1))
    handle_inactive_accounts(now=later(37))
    report = handle_inactive_accounts(now=later(37, days=31))
    assert (report.kept, report.erased) == (1, 0)
    assert User.objects.filter(pk=requester.pk).exists()


def test_closed_tickets_of_an_erased_account_are_anonymised(requester, agent, file_ticket):
    months = 37
    ticket = close(file_ticket(requester, title="Pour Camille Martin"), agent, requester)
    Ticket.objects.filter(pk=ticket.pk).update(last_activity_at=later(-1))
    handle_inactive_accounts(now=later(months))
    handle_inactive_accounts(now=later(months, days=31))
    ticket.refresh_from_db()
    assert (ticket.title, ticket.anonymised_at is not None) == ("Pour [nom]", True)
