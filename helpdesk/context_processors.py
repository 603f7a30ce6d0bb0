"""Template context shared by every page: the navigation for the user's roles."""

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "nav_is_agent": authenticated and user.is_agent,
        "nav_is_manager": authenticated and user.is_service_manager,
        "nav_is_admin": authenticated and user.is_staff,
    }
