"""SMTP answers read per recipient and per stage, against a real SMTP server (aiosmtpd),
and what the administrators see of them (admin index, /healthz, daily summary)."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import BouncingAddress
from helpdesk.mail import deliver_outbound_email, outbox_problem_counts, queue_email, sweep_outbox, ticket_subject
from helpdesk.mail.summary import send_outbox_summary
from helpdesk.models import OutboundEmail, OutboundStatus


def queue(to=("camille@example.org",), **overrides) -> OutboundEmail:
    return queue_email(
        to=list(to),
        subject=ticket_subject(42, "Votre demande a été prise en charge"),
        template="email/notification",
        context={"paragraphs": ["Alex Petit s'occupe de votre demande."]},
        language="fr",
        kind="taken",
        ticket_reference=42,
        **overrides,
    )


def state(row: OutboundEmail) -> tuple:
    row.refresh_from_db()
    return row.status, row.attempts, row.last_error


@pytest.mark.django_db
def test_5xx_at_rcpt_for_one_of_two_recipients_is_permanent_for_that_address_only(smtp):
    smtp.refuse_recipient("ghost@example.org", "550 5.1.1 No such user")
    row = queue(to=["camille@example.org", "ghost@example.org"])
    assert deliver_outbound_email(outbound_id=row.pk) == OutboundStatus.SENT
    [mail] = smtp.received
    assert mail.rcpt_tos == ["camille@example.org"]
    assert state(row) == (OutboundStatus.SENT, 1, "refused for good: ghost@example.org (550 5.1.1 No such user)")
    assert list(BouncingAddress.objects.values_list("email", "last_status", "last_message_id")) == [
        ("ghost@example.org", "550", row.message_id)
    ]
    assert outbox_problem_counts() == {"failed": 0, "retrying": 0, "stuck": 0}
    # The next mail to both goes to the good address only, without asking the relay again.
    second = queue(to=["camille@example.org", "ghost@example.org"])
    assert deliver_outbound_email(outbound_id=second.pk) == OutboundStatus.SENT
    assert [m.rcpt_tos for m in smtp.received] == [["camille@example.org"], ["camille@example.org"]]


@pytest.mark.django_db
def test_4xx_at_rcpt_for_one_recipient_retries_that_address_alone(smtp):
    smtp.refuse_recipient("busy@example.org", "450 4.2.1 Mailbox busy", count=1)
    row = queue(to=["camille@example.org", "busy@example.org"])
    assert deliver_outbound_email(outbound_id=row.pk) == OutboundStatus.SENT
    retry = OutboundEmail.objects.exclude(pk=row.pk).get()
    assert (retry.to, retry.status, retry.attempts) == (["busy@example.org"], OutboundStatus.PENDING, 1)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=2), tick=False):
        assert sweep_outbox().sent == 1
    assert [m.rcpt_tos for m in smtp.received] == [["camille@example.org"], ["busy@example.org"]]
    assert BouncingAddress.objects.count() == 0


@pytest.mark.django_db
def test_554_at_mail_from_is_a_relay_problem_retried_without_limit(smtp, settings, caplog):
    settings.GUICHET_OUTBOX_MAX_ATTEMPTS = 2
    smtp.refuse_mail_from(3, "554 5.7.1 Relay access denied")
    row = queue()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for attempt in range(3):
            traveller.shift(3600 if attempt else 0)
            assert sweep_outbox().retried == 1
        assert state(row) == (OutboundStatus.PENDING, 3, "RelayProblem: MAIL FROM: 554 5.7.1 Relay access denied")
        assert outbox_problem_counts() == {"failed": 0, "retrying": 1, "stuck": 0}
        assert "relay problem for row" in caplog.text
        assert [r.levelname for r in caplog.records if "relay problem" in r.getMessage()] == ["ERROR"] * 3
        traveller.shift(3600)
        assert sweep_outbox().sent == 1  # the relay takes it again: nobody had to retry it by hand
    assert state(row)[0] == OutboundStatus.SENT
    assert BouncingAddress.objects.count() == 0
    assert outbox_problem_counts() == {"failed": 0, "retrying": 0, "stuck": 0}


@pytest.mark.django_db
def test_451_then_250_at_data_is_sent_at_the_next_attempt(smtp):
    smtp.refuse(1, "451 4.3.0 Try again later")
    row = queue()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert deliver_outbound_email(outbound_id=row.pk) == OutboundStatus.PENDING
        assert state(row) == (OutboundStatus.PENDING, 1, "RelayProblem: DATA: 451 4.3.0 Try again later")
        assert outbox_problem_counts() == {"failed": 0, "retrying": 1, "stuck": 0}
        traveller.shift(61)
        assert sweep_outbox().sent == 1
    assert state(row)[:2] == (OutboundStatus.SENT, 2)
    assert len(smtp.received) == 1
    assert outbox_problem_counts() == {"failed": 0, "retrying": 0, "stuck": 0}


@pytest.mark.django_db
def test_every_recipient_refused_for_good_fails_and_is_counted(smtp, client_for, admin):
    smtp.refuse_recipient("ghost@example.org")
    smtp.refuse_recipient("other-ghost@example.org")
    row = queue(to=["ghost@example.org", "other-ghost@example.org"])
    assert deliver_outbound_email(outbound_id=row.pk) == OutboundStatus.FAILED
    assert outbox_problem_counts() == {"failed": 1, "retrying": 0, "stuck": 0}
    page = client_for(admin).get(reverse("admin:index")).content.decode()
    assert "Courriels sortants : 1 en échec, 0 en nouvel essai, 0 bloqués." in " ".join(page.split())
    healthz = client_for(admin).get("/healthz").json()
    assert healthz["mail"] == {"failed": 1, "retrying": 0, "stuck": 0}


@pytest.mark.django_db
def test_healthz_hides_mail_counts_from_anonymous_callers(client):
    assert "mail" not in client.get("/healthz").json()


@pytest.mark.django_db
def test_a_row_claimed_long_ago_counts_as_stuck(settings):
    settings.GUICHET_OUTBOX_STUCK_AFTER_SECONDS = 180
    row = queue()
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=OutboundStatus.SENDING, claimed_at=timezone.now() - timezone.timedelta(seconds=200)
    )
    assert outbox_problem_counts() == {"failed": 0, "retrying": 0, "stuck": 1}


@pytest.mark.django_db
def test_daily_summary_goes_to_administrators_once_when_mail_failed(smtp, admin, agent):
    assert send_outbox_summary() == 0  # nothing wrong: no mail
    smtp.refuse_recipient("ghost@example.org")
    row = queue(to=["ghost@example.org"])
    deliver_outbound_email(outbound_id=row.pk)
    assert send_outbox_summary() == 1
    assert send_outbox_summary() == 0  # once a day
    summary = OutboundEmail.objects.get(kind="outbox_summary")
    assert (summary.to, summary.subject) == (
        [admin.email],
        "Courriels non envoyés : 1 en échec, 0 en nouvel essai, 0 bloqués",
    )
    assert "/admin/helpdesk/outboundemail/" in summary.body_text
