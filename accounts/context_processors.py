"""Template context shared by every page: the navigation for the user's roles."""

from django.http import HttpRequest

from accounts import roles


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "nav_is_agent": roles.is_agent(user),
        "nav_is_manager": roles.is_manager(user),
        "nav_is_admin": roles.is_admin(user),
    }
