"""The domain signal of the tickets app.

``ticket_event_recorded`` is sent once per workflow action, with
``sender=Ticket`` and ``event=<TicketEvent>`` (``event.ticket``,
``event.action``, ``event.actor``, ``event.message``…), INSIDE the action's
transaction: a receiver that writes rows (the notification outbox) commits or
rolls back with the action; a receiver that starts outside work (Celery)
must do it with ``transaction.on_commit``.

``ticket_events_recorded`` is its twin for the batch doors (the scheduler's
sweeps: ``tickets.workflow.tickets_remind`` / ``tickets_expire``), sent once
per batch with ``events=[<TicketEvent>, …]`` instead of once per event, so
that receivers can work in sets (one INSERT of all the mails). A receiver
that must see every event connects to both.
"""

from django.dispatch import Signal

ticket_event_recorded = Signal()
ticket_events_recorded = Signal()
