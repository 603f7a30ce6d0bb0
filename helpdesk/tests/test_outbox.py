"""The notification outbox in one process: rendering, claiming, retries, sweeps.

Mail goes to a real SMTP server (aiosmtpd, fixture ``smtp``); the tests that
need a Celery worker are in ``test_outbox_worker.py``.
"""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from helpdesk.mail import (
    deliver_outbound_email,
    is_our_message_id,
    make_message_id,
    queue_email,
    recover_stuck,
    retry_delay,
    sweep_outbox,
    ticket_reference_from_message_id,
    ticket_subject,
)
from helpdesk.models import OutboundEmail, OutboundStatus


def queue(**overrides) -> OutboundEmail:
    arguments = {
        "to": "camille@example.org",
        "subject": ticket_subject(42, "Votre demande a été prise en charge"),
        "template": "email/notification",
        "context": {
            "recipient_name": "Camille",
            "paragraphs": ["Alex Petit s'occupe de votre demande."],
            "action_url": "http://testserver/lien/abc",
        },
        "language": "fr",
        "kind": "taken",
        "ticket_reference": 42,
        **overrides,
    }
    return queue_email(**arguments)


# --- Composing -----------------------------------------------------------------


@pytest.mark.django_db
def test_queue_email_saves_a_pending_row_with_our_headers(settings):
    settings.GUICHET_INSTANCE_ID = "guichet.univ-test.fr"
    row = queue(reply_to="dsi@example.org", headers={"In-Reply-To": "<abc@example.org>"})
    row.refresh_from_db()
    assert (row.status, row.attempts, row.to, row.kind, row.language) == (
        OutboundStatus.PENDING,
        0,
        ["camille@example.org"],
        "taken",
        "fr",
    )
    assert row.subject == "[Guichet #42] Votre demande a été prise en charge"
    assert row.headers == {
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "X-Guichet-Instance": "guichet.univ-test.fr",
        "X-Guichet-Kind": "taken",
        "X-Guichet-Ticket": "42",
        "In-Reply-To": "<abc@example.org>",
    }
    assert row.message_id.endswith("@guichet.univ-test.fr>")
    assert ticket_reference_from_message_id(row.message_id) == 42
    assert "Bonjour Camille," in row.body_text
    assert "http://testserver/lien/abc" in row.body_text
    assert '<a href="http://testserver/lien/abc">' in row.body_html


@pytest.mark.django_db
def test_queue_email_auto_replied_when_asked():
    assert queue(auto_submitted="auto-replied").headers["Auto-Submitted"] == "auto-replied"
    with pytest.raises(ValueError):
        queue(auto_submitted="no")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected_subject", "expected_lang"),
    [("en", "January", "en"), ("fr", "janvier", "fr"), ("de", "janvier", "fr"), (None, "janvier", "fr")],
)
def test_queue_email_renders_in_recipient_language(language, expected_subject, expected_lang):
    # "January" is translated by Django's own catalogue, so this proves the
    # override without depending on our (not yet translated) strings.
    row = queue(subject=gettext_lazy("January"), language=language)
    assert (row.subject, row.language) == (expected_subject, expected_lang)
    assert f'<html lang="{expected_lang}">' in row.body_html


@pytest.mark.django_db
def test_queue_email_escapes_html_but_not_text():
    row = queue(context={"paragraphs": ["<script>alert(1)</script> & co"]})
    assert "<script>alert(1)</script> & co" in row.body_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in row.body_html


@pytest.mark.django_db
def test_queue_email_subject_newlines_cannot_inject_headers():
    assert queue(subject="Bonjour\r\nBcc: victim@example.org").subject == "Bonjour Bcc: victim@example.org"


@pytest.mark.django_db
def test_queue_email_publishes_only_on_commit_once_per_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first, second = queue(), queue()
    [publish] = callbacks  # one broker session for every mail of the transaction
    assert publish.__self__.ids == [first.pk, second.pk]


# --- Message-IDs -----------------------------------------------------------------


def test_message_id_is_unique_and_ours(settings):
    settings.GUICHET_INSTANCE_ID = "guichet.example.org"
    first, second = make_message_id(ticket_reference=7), make_message_id()
    assert first != second
    assert (is_our_message_id(first), is_our_message_id(second)) == (True, True)
    assert (ticket_reference_from_message_id(first), ticket_reference_from_message_id(second)) == (7, None)


def test_message_id_forged_or_foreign_is_not_ours(settings):
    settings.GUICHET_INSTANCE_ID = "guichet.example.org"
    genuine = make_message_id(ticket_reference=7)
    forged_ticket = genuine.replace("<g.7.", "<g.8.")
    forged_signature = genuine[:-30] + ("0" if genuine[-30] != "0" else "1") + genuine[-29:]
    assert is_our_message_id(forged_ticket) is False
    assert is_our_message_id(forged_signature) is False
    assert is_our_message_id(genuine.replace("guichet.example.org", "evil.example")) is False
    assert is_our_message_id("<CAF=abc@mail.gmail.com>") is False
    assert is_our_message_id("") is False
    settings.SECRET_KEY = "another-key-" + "x" * 40
    assert is_our_message_id(genuine) is False


def test_message_id_survives_secret_key_rotation(settings):
    genuine = make_message_id(ticket_reference=3)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "rotated-key-" + "y" * 40
    assert ticket_reference_from_message_id(genuine) == 3


# --- Sending ---------------------------------------------------------------------


@pytest.mark.django_db
def test_deliver_outbound_email_sends_once_with_headers_and_parts(smtp):
    row = queue(cc=["colleague@example.org"], reply_to="dsi@example.org")
    assert deliver_outbound_email(outbound_id=row.pk) == OutboundStatus.SENT
    assert deliver_outbound_email(outbound_id=row.pk) is None
    [mail] = smtp.received
    assert (mail["Message-ID"], mail["Subject"], mail["Auto-Submitted"], mail["Reply-To"]) == (
        row.message_id,
        "[Guichet #42] Votre demande a été prise en charge",
        "auto-generated",
        "dsi@example.org",
    )
    assert sorted(mail.rcpt_tos) == ["camille@example.org", "colleague@example.org"]
    assert mail.message.get_content_type() == "multipart/alternative"
    assert "Alex Petit s'occupe de votre demande." in mail.body("text/plain")
    assert "<p>Alex Petit s&#x27;occupe de votre demande.</p>" in mail.body("text/html")
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutboundStatus.SENT, 1, "")
    assert row.sent_at is not None


@pytest.mark.django_db
def test_bouncing_copy_recipient_is_skipped_and_the_rest_is_sent(smtp):
    from accounts.models import BouncingAddress

    BouncingAddress.objects.create(email="colleague@example.org")
    row = queue(cc=["Colleague@Example.org"])
    assert deliver_outbound_email(outbound_id=row.pk) == OutboundStatus.SENT
    [mail] = smtp.received
    assert mail.rcpt_tos == ["camille@example.org"]


@pytest.mark.django_db
def test_mail_to_a_bouncing_address_only_is_kept_failed_with_the_reason(smtp):
    from accounts.models import BouncingAddress

    BouncingAddress.objects.create(email="camille@example.org")
    row = queue()
    assert deliver_outbound_email(outbound_id=row.pk) == OutboundStatus.FAILED
    assert smtp.received == []
    row.refresh_from_db()
    assert (row.status, row.to, row.last_error) == (
        OutboundStatus.FAILED,
        ["camille@example.org"],
        "bouncing address(es), not sent: camille@example.org",
    )


@pytest.mark.django_db
def test_outbound_email_without_html_is_plain_text(smtp, tmp_path, settings):
    (tmp_path / "email").mkdir()
    (tmp_path / "email" / "plain.txt").write_text("Texte seul.")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    row = queue(template="email/plain")
    deliver_outbound_email(outbound_id=row.pk)
    [mail] = smtp.received
    assert (mail.message.get_content_type(), mail.body("text/plain").strip()) == ("text/plain", "Texte seul.")


@pytest.mark.django_db
def test_smtp_refusal_is_retried_with_back_off(smtp, settings):
    settings.GUICHET_OUTBOX_RETRY_BASE_SECONDS = 60
    smtp.refuse(2)
    with time_machine.travel("2026-03-02 10:00 +01:00", tick=False) as traveller:
        row = queue()
        assert deliver_outbound_email(outbound_id=row.pk) == OutboundStatus.PENDING
        row.refresh_from_db()
        assert (row.status, row.attempts, row.next_attempt_at) == (
            OutboundStatus.PENDING,
            1,
            timezone.now() + timedelta(seconds=60),
        )
        assert "451" in row.last_error
        traveller.shift(30)
        assert sweep_outbox().sent == 0  # not due yet
        traveller.shift(31)
        assert sweep_outbox().retried == 1  # second refusal: now 2 minutes
        row.refresh_from_db()
        assert (row.attempts, row.next_attempt_at) == (2, timezone.now() + timedelta(seconds=120))
        traveller.shift(119)
        assert sweep_outbox().sent == 0
        traveller.shift(2)
        assert sweep_outbox().sent == 1
        assert sweep_outbox().sent == 0
    row.refresh_from_db()
    assert (row.status, row.attempts, smtp.handler.refused, len(smtp.received)) == (OutboundStatus.SENT, 3, 2, 1)


def test_retry_delay_doubles_and_is_capped(settings):
    settings.GUICHET_OUTBOX_RETRY_BASE_SECONDS = 60
    settings.GUICHET_OUTBOX_RETRY_MAX_SECONDS = 3600
    assert [retry_delay(n).total_seconds() for n in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]


@pytest.mark.django_db
def test_attempts_are_bounded_then_admin_retry_sends(smtp, settings, client_for, admin):
    """A temporary refusal of the recipient (4xx at RCPT) is bounded; a relay problem is not (test_outbox_smtp)."""
    settings.GUICHET_OUTBOX_MAX_ATTEMPTS = 3
    smtp.refuse_recipient("camille@example.org", "450 4.2.1 Mailbox busy", count=3)
    row = queue()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _attempt in range(3):
            sweep_outbox()
            traveller.shift(3600)
        row.refresh_from_db()
        assert (row.status, row.attempts) == (OutboundStatus.FAILED, 3)
        assert sweep_outbox().sent == 0  # a failed row waits for a human
    # In a ``db`` test on-commit hooks never run: the sweep below does the sending.
    response = client_for(admin).post(
        reverse("admin:helpdesk_outboundemail_changelist"),
        {"action": "retry", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundStatus.PENDING, 0)
    assert sweep_outbox().sent == 1
    assert len(smtp.received) == 1


@pytest.mark.django_db
def test_permanent_refusal_of_the_only_recipient_fails_at_once(smtp):
    from accounts.models import BouncingAddress

    smtp.refuse_recipient("camille@example.org", "550 5.1.1 No such user")
    row = queue()
    assert deliver_outbound_email(outbound_id=row.pk) == OutboundStatus.FAILED
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (
        OutboundStatus.FAILED,
        1,
        "refused for good: camille@example.org (550 5.1.1 No such user)",
    )
    assert list(BouncingAddress.objects.values_list("email", "last_status")) == [("camille@example.org", "550")]


@pytest.mark.django_db
def test_smtp_server_down_is_retried(settings):
    from helpdesk.testing.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    row = queue()
    assert deliver_outbound_email(outbound_id=row.pk) == OutboundStatus.PENDING
    row.refresh_from_db()
    assert "ConnectionRefusedError" in row.last_error


@pytest.mark.django_db
def test_row_stuck_in_sending_is_recovered_and_sent(smtp, settings):
    settings.GUICHET_OUTBOX_STUCK_AFTER_SECONDS = 900
    row = queue()
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=OutboundStatus.SENDING, claimed_at=timezone.now() - timedelta(seconds=600), attempts=1
    )
    assert recover_stuck() == 0
    assert sweep_outbox().sent == 0
    with time_machine.travel(timezone.now() + timedelta(seconds=301), tick=False):
        report = sweep_outbox()
    assert (report.recovered, report.sent) == (1, 1)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundStatus.SENT, 2)


@pytest.mark.django_db
def test_sweep_outbox_sends_in_batches_oldest_first(smtp):
    rows = [queue(subject=f"Message {n}") for n in range(5)]
    report = sweep_outbox(batch_size=2)
    assert report.sent == 5
    assert [mail["Subject"] for mail in smtp.received] == [row.subject for row in rows]


@pytest.mark.django_db
def test_sweep_outbox_selects_due_rows_through_the_pending_index(settings):
    queue()
    if settings.IS_POSTGRES:
        with connection.cursor() as cursor:
            # A ten-row table is cheaper to scan; ask what the plan would be
            # on a big one.
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = OutboundEmail.objects.due(now=timezone.now())[:100].explain()
    assert "helpdesk_outbox_pending_due" in plan


# --- Concurrency ------------------------------------------------------------------


def run_at_once(*functions):
    """Run the functions in threads released together; each closes its DB connection."""
    barrier = threading.Barrier(len(functions))
    errors = []

    def run(fn):
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def queue_committed(count: int, settings) -> list[OutboundEmail]:
    # The broker is pointed at a closed port so that nothing but the sweeps
    # under test sends these rows.
    from helpdesk.testing.smtp import free_port

    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    return [queue(subject=f"Message {n}") for n in range(count)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("skip_locked", [False, pytest.param(True, marks=pytest.mark.postgres)])
def test_two_sweeps_at_once_send_each_row_once(smtp, settings, skip_locked):
    rows = queue_committed(30, settings)
    run_at_once(*[lambda: sweep_outbox(batch_size=4, skip_locked=skip_locked)] * 2)
    assert sorted(mail["Message-ID"] for mail in smtp.received) == sorted(row.message_id for row in rows)
    assert set(OutboundEmail.objects.values_list("status", "attempts")) == {(OutboundStatus.SENT, 1)}


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_one_row_at_once_send_it_once(smtp, settings):
    [row] = queue_committed(1, settings)
    run_at_once(*[lambda: deliver_outbound_email(outbound_id=row.pk)] * 4)
    assert [mail["Message-ID"] for mail in smtp.received] == [row.message_id]


# --- Admin ------------------------------------------------------------------------


@pytest.mark.django_db
def test_outbox_admin_shows_rows_read_only(client_for, admin):
    row = queue(context={"paragraphs": ["<b>gras</b>"]})
    client = client_for(admin)
    listing = client.get(reverse("admin:helpdesk_outboundemail_changelist"), {"status__exact": "pending"})
    assert listing.status_code == 200
    assert row.subject in listing.content.decode()
    for term in ("camille@example", "42", row.message_id):
        found = client.get(reverse("admin:helpdesk_outboundemail_changelist"), {"q": term})
        assert (found.status_code, row.subject in found.content.decode()) == (200, True)
    missing = client.get(reverse("admin:helpdesk_outboundemail_changelist"), {"q": "nobody@elsewhere"})
    assert row.subject not in missing.content.decode()
    detail = client.get(reverse("admin:helpdesk_outboundemail_change", args=[row.pk]))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "&lt;p&gt;&amp;lt;b&amp;gt;gras&amp;lt;/b&amp;gt;&lt;/p&gt;" in page  # HTML shown as source
    assert 'name="subject"' not in page  # nothing editable
    assert client.get(reverse("admin:helpdesk_outboundemail_add")).status_code == 403


@pytest.mark.django_db
def test_outbox_admin_is_closed_to_agents(client_for, agent):
    response = client_for(agent).get(reverse("admin:helpdesk_outboundemail_changelist"))
    assert response.status_code == 302
