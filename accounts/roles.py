"""The role vocabulary: who a user is, defined once and imported everywhere.

Every predicate is total: ``None``, anonymous and inactive users hold no role.
What a role may do on one ticket is ``tickets.permissions``' question; what
it may read is each model's ``visible_to``. These functions only say which
people are administrators, agents, managers or editors.
"""

from __future__ import annotations

from typing import Any


def is_active_user(user: Any) -> bool:
    """A signed-in, active account (``None`` stands for the scheduler and machines)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_admin(user: Any) -> bool:
    """Administrators (``is_staff``; superusers too) may do everything, on every service."""
    return is_active_user(user) and bool(user.is_staff or user.is_superuser)


def is_agent(user: Any) -> bool:
    """A member (agent or manager) of at least one service."""
    return is_active_user(user) and bool(user.service_ids)


def is_manager(user: Any) -> bool:
    """A manager of at least one service."""
    return is_active_user(user) and bool(user.managed_service_ids)


def is_provider(user: Any) -> bool:
    """A member of an external provider (prestataire): sees and answers only the DAs handed to it."""
    return is_active_user(user) and bool(user.provider_ids)


def is_agency_staff(user: Any) -> bool:
    """Agents of the agency (members of a service and of the institution marked as the agency),
    and administrators: they validate the changes correspondents propose to institution records."""
    return is_admin(user) or (is_agent(user) and bool(user.is_agency_member))


def is_helpdesk_staff(user: Any) -> bool:
    """Agents, managers and administrators: the agent workspace, drafts of the knowledge
    base, internal notes of their services, and MFA may be required of them."""
    return is_admin(user) or is_agent(user)


def can_edit_articles(user: Any) -> bool:
    """Editors of the knowledge base: administrators, and managers (for their services' categories,
    see ``knowledge.models.ArticleQuerySet.editable_by``)."""
    return is_admin(user) or is_manager(user)
