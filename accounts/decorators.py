"""Access guards other apps put on their views.

``verified_email_required``: filing or acting on anything needs a signed-in
user whose address is verified (an SSO login counts as verified). Anonymous
visitors go to the login page; an unverified user gets a page (403) that
explains it and offers to send the link again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _refuse_unverified(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_verified_email:
        return render(request, "accounts/verification_required.html", status=403)
    return None


def verified_email_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return _refuse_unverified(request) or view(request, *args, **kwargs)

    return wrapper
