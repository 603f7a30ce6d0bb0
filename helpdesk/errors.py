"""Error pages: the site layout, in the visitor's language, with a way back.

Django's own handlers render 403.html and 404.html with the request context.
The 400 and 500 pages are rendered here without context processors (they
read the user, hence the session and the database): the 500 page must work
when the database is down. The language is the one LocaleMiddleware chose.
The CSRF failure page (``CSRF_FAILURE_VIEW``) is an ordinary page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader


def _static_safe(request: HttpRequest, template_name: str, status: int) -> HttpResponse:
    # The language switch posts: its token comes from a cookie, not from the database.
    context = {"request": request, "csrf_token": get_token(request)}
    return HttpResponse(loader.get_template(template_name).render(context), status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _static_safe(request, "400.html", 400)


def server_error(request: HttpRequest) -> HttpResponse:
    return _static_safe(request, "500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
