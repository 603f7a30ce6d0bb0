"""Inbound email: turning raw RFC 822 messages into something Guichet can file.

Phase 1 (this package, independent of the Ticket model): parsing
(``parse``), classification of automatic mail (``classify``), quoted-history
trimming (``quotes``), subject tags (``subject``), and the three ways in
(``sources``: MTA pipe, maildir import, IMAP polling) that all hand raw bytes
to one ingestion callback (``handler``).
"""
