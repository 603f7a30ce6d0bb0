"""Tickets, their messages, attachments and history."""

from tickets.models.agent import Bookmark, RecentView, ResponseScope, SavedFilter, SavedResponse
from tickets.models.message import (
    INTERNAL_KINDS,
    PROVIDER_KINDS,
    PUBLIC_KINDS,
    Attachment,
    EventAction,
    Message,
    MessageKind,
    PendingUpload,
    TicketEvent,
)
from tickets.models.ticket import Channel, Ticket, TicketCounter, Watcher
from tickets.status import TicketStatus

__all__ = [
    "INTERNAL_KINDS",
    "PROVIDER_KINDS",
    "PUBLIC_KINDS",
    "Attachment",
    "Bookmark",
    "Channel",
    "EventAction",
    "Message",
    "MessageKind",
    "PendingUpload",
    "RecentView",
    "ResponseScope",
    "SavedFilter",
    "SavedResponse",
    "Ticket",
    "TicketCounter",
    "TicketEvent",
    "TicketStatus",
    "Watcher",
]
