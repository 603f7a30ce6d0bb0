"""``publishing_in_chunks``: a run's mails go to the workers by chunks, once committed."""

from __future__ import annotations

import pytest
from django.db import transaction

from helpdesk.mail import compose
from helpdesk.mail.compose import PUBLISH_CHUNK, publishing_in_chunks, queue_email

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(monkeypatch) -> list[list[int]]:
    calls: list[list[int]] = []
    monkeypatch.setattr(compose, "publish_send_many", lambda ids: calls.append(list(ids)) or len(ids))
    return calls


def queue(index: int):
    return queue_email(
        to=f"p{index}@example.org", subject="Sujet", template="email/tickets/notification",
        context={"paragraphs": ["x"]}, language="fr", kind="test",
    )  # fmt: skip


def test_without_a_run_each_transaction_publishes_its_mails_on_commit(published):
    with transaction.atomic():
        first, second = queue(1), queue(2)
    with transaction.atomic():
        third = queue(3)
    assert published == [[first.pk, second.pk], [third.pk]]


def test_a_run_publishes_its_committed_mails_by_chunks_and_the_rest_at_its_end(published):
    ids = []
    with publishing_in_chunks(max_delay=3600):
        for index in range(PUBLISH_CHUNK + 3):
            with transaction.atomic():
                ids.append(queue(index).pk)
        assert published == [ids[:PUBLISH_CHUNK]]
    assert published == [ids[:PUBLISH_CHUNK], ids[PUBLISH_CHUNK:]]


def test_a_run_never_publishes_a_rolled_back_mail(published):
    with publishing_in_chunks():
        with transaction.atomic():
            kept = queue(1)
        with pytest.raises(RuntimeError), transaction.atomic():
            queue(2)
            raise RuntimeError("the message is quarantined")
    assert published == [[kept.pk]]


def test_a_run_publishes_at_the_first_commit_after_the_delay(published):
    with publishing_in_chunks(max_delay=0):
        with transaction.atomic():
            first = queue(1)
        assert published == [[first.pk]]
