"""Template context shared by every page: the navigation for the user's roles.

The roles behind the navigation (works in a service, manages one) cost two
queries; they are cached per user, under a key carrying ``NAV_VERSION`` (bump it
when the cached dict changes shape), and forgotten when the user's service
memberships change (receivers connected in ``accounts.apps``). The navigation
only shows links: every page still checks the user's rights itself.
"""

from django.core.cache import cache
from django.http import HttpRequest

from accounts import roles

NAV_VERSION = 2
NAV_TTL = 600  # seconds; membership changes forget the entry at once


def navigation_key(user_id: int) -> str:
    return f"nav:{NAV_VERSION}:{user_id}"


def forget_navigation(user_id: int) -> None:
    cache.delete(navigation_key(user_id))


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {
            "nav_is_agent": False,
            "nav_is_manager": False,
            "nav_is_agency": False,
            "nav_is_admin": False,
            "nav_is_correspondent": False,
        }
    key = navigation_key(user.pk)
    cached = cache.get(key)
    if cached is None:
        cached = {
            "nav_is_agent": roles.is_agent(user),
            "nav_is_manager": roles.is_manager(user),
            "nav_is_correspondent": user.is_correspondent,
            "nav_is_agency": roles.is_agency_staff(user),
        }
        cache.set(key, cached, NAV_TTL)
    return {**cached, "nav_is_admin": roles.is_admin(user)}
