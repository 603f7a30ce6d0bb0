"""Per-user language, the intro page after login, and MFA for staff."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

# Set in the session by accounts.signals at login, consumed here.
PENDING_LANGUAGE = "accounts_pending_language"
SHOW_INTRO = "accounts_show_intro"

# Pages a person must reach before MFA enrolment or the intro: their account
# (allauth lives under /accounts/, MFA under /accounts/2fa/), SSO callbacks,
# assets, the language switch and the health check.
ACCOUNT_PREFIXES = ("/accounts/", "/sso/", "/static/", "/i18n/", "/healthz")


def _is_account_path(path: str) -> bool:
    return path.startswith(ACCOUNT_PREFIXES)


class UserLanguageMiddleware:
    """After login, switch to the language saved in the user's preferences.

    LocaleMiddleware reads the language cookie; we set that cookie once, at
    login, so that the header's language switch keeps working afterwards.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending = request.session.pop(PENDING_LANGUAGE, None) if hasattr(request, "session") else None
        if pending:
            translation.activate(pending)
            request.LANGUAGE_CODE = pending
        if request.user.is_authenticated and request.session.get(SHOW_INTRO) and self._intro_due(request):
            del request.session[SHOW_INTRO]
            response: HttpResponse = HttpResponseRedirect(
                f"{reverse('accounts:intro')}?{urlencode({'next': request.get_full_path()})}"
            )
        else:
            response = self.get_response(request)
        if pending:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                pending,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    @staticmethod
    def _intro_due(request: HttpRequest) -> bool:
        """The intro replaces the first ordinary page viewed after login."""
        return (
            request.method == "GET"
            and not _is_account_path(request.path)
            and not request.path.startswith("/admin/")
            and not request.headers.get("HX-Request")
        )


class StaffMFARequiredMiddleware:
    """Agents, managers and administrators (with ``GUICHET_MFA_REQUIRED_FOR_STAFF``) and
    superusers (``GUICHET_MFA_REQUIRED_FOR_SUPERUSERS``, on by default) reach no page but
    their account's until this session has passed a second factor.

    Having an authenticator is not enough: the session must have used it
    (allauth logs each authentication step in the session). Without one they
    are sent to enrol; with one, to confirm a code.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not _is_account_path(request.path)
            and mfa_required_for(user)
            and not session_passed_mfa(request)
        ):
            messages.warning(
                request,
                _(
                    "Votre rôle demande une double authentification : saisissez un code de votre "
                    "application d'authentification (ou activez-en une) pour continuer."
                ),
            )
            target = "mfa_reauthenticate" if self._has_totp(user) else "mfa_activate_totp"
            return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _has_totp(user) -> bool:
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_required_for(user) -> bool:
    if user.is_superuser and settings.GUICHET_MFA_REQUIRED_FOR_SUPERUSERS:
        return True
    return settings.GUICHET_MFA_REQUIRED_FOR_STAFF and user.is_helpdesk_staff


def session_passed_mfa(request: HttpRequest) -> bool:
    """Whether this session's user passed a second factor (at login or since)."""
    from allauth.account.authentication import get_authentication_records

    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))
