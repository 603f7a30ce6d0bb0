"""Addresses our mail cannot reach: the outbox's suppression list (``GUICHET_OUTBOX_SUPPRESSION_LIST``)."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import BouncingAddress


def bouncing_among(addresses: Iterable[str]) -> set[str]:
    """The ``addresses`` (lower-cased) that came back as a permanent failure."""
    wanted = {a.strip().lower() for a in addresses}
    return set(BouncingAddress.objects.filter(email__in=wanted).values_list("email", flat=True))
