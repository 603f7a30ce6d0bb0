"""Tickets, their messages, attachments and history (see the tickets issue)."""
