"""A ticket refreshed in two threads at once (gunicorn's gthread workers): django-fsm lifts the
protection of ``status`` on the shared field for a refresh and puts it back afterwards; a refresh
that began while it was lifted must not find it back in place halfway (AttributeError "Direct
status modification is not allowed", a 500 seen under load)."""

from __future__ import annotations

import threading

from django.db import models

from tickets.models import Ticket


def test_two_threads_refreshing_tickets_at_once_both_succeed(monkeypatch):
    first_inside, second_inside, first_done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def loaded_from_the_database(self, *args, **kwargs):
        # Django's refresh sets every loaded field on the instance, status included. The first
        # refresh waits here (at most 0.5 s) for the second to begin; the second, for the first to end.
        if threading.current_thread().name == "first":
            first_inside.set()
            second_inside.wait(0.5)
        else:
            second_inside.set()
            first_done.wait(0.5)
        self.status = "ECT"

    monkeypatch.setattr(models.Model, "refresh_from_db", loaded_from_the_database)

    def refresh(ticket: Ticket) -> None:
        try:
            ticket.refresh_from_db()
        except BaseException as exc:
            errors.append(exc)
        finally:
            if threading.current_thread().name == "first":
                first_done.set()

    first = threading.Thread(target=refresh, args=(Ticket(status="NEW"),), name="first")
    second = threading.Thread(target=refresh, args=(Ticket(status="NEW"),), name="second")
    first.start()
    assert first_inside.wait(2)
    second.start()
    first.join(5)
    second.join(5)
    assert errors == []
