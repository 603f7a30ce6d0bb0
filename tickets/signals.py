"""The domain signal of the tickets app.

``ticket_event_recorded`` is sent once per workflow action, with
``sender=Ticket`` and ``event=<TicketEvent>`` (``event.ticket``,
``event.action``, ``event.actor``, ``event.message``…), INSIDE the action's
transaction: a receiver that writes rows (the notification outbox) commits or
rolls back with the action; a receiver that starts outside work (Celery)
must do it with ``transaction.on_commit``.
"""

from django.dispatch import Signal

ticket_event_recorded = Signal()
