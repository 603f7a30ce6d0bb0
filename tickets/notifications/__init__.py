"""Who gets which email when something happens to a ticket.

``rules`` receives ``tickets.signals.ticket_event_recorded`` (and its batch
twin ``ticket_events_recorded``; sent inside
the action's transaction) and writes the mails into the outbox with
``helpdesk.mail.queue_email``: they commit or roll back with the action and
are sent after commit. ``compose`` renders one ticket mail for one person
(language, link, headers); ``digest`` sends agents who prefer it one daily
summary of new tickets instead of one mail each; ``sve`` holds the legal
acknowledgement of receipt (décret 2015-1404).
"""


def connect() -> None:
    """Connect the receivers (called once from ``TicketsConfig.ready``)."""
    from tickets.notifications import rules
    from tickets.signals import ticket_event_recorded, ticket_events_recorded

    ticket_event_recorded.connect(rules.on_ticket_event, dispatch_uid="tickets.notifications")
    ticket_events_recorded.connect(rules.on_ticket_events, dispatch_uid="tickets.notifications.batch")
