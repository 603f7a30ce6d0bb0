"""Template context shared by every page: the navigation for the user's roles.

The roles behind the navigation (works in a service, manages one) cost two
queries; they are cached per user, under a key carrying ``NAV_VERSION`` (bump it
when the cached dict changes shape), and forgotten when the user's service
memberships change (receivers connected in ``helpdesk.apps``). The navigation
only shows links: every page still checks the user's rights itself.
"""

from django.core.cache import cache
from django.http import HttpRequest

NAV_VERSION = 1
NAV_TTL = 600  # seconds; membership changes forget the entry at once


def navigation_key(user_id: int) -> str:
    return f"nav:{NAV_VERSION}:{user_id}"


def forget_navigation(user_id: int) -> None:
    cache.delete(navigation_key(user_id))


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"nav_is_agent": False, "nav_is_manager": False, "nav_is_admin": False}
    key = navigation_key(user.pk)
    roles = cache.get(key)
    if roles is None:
        roles = {"nav_is_agent": user.is_agent, "nav_is_manager": user.is_service_manager}
        cache.set(key, roles, NAV_TTL)
    return {**roles, "nav_is_admin": user.is_staff}
