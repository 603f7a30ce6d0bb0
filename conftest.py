"""Fixtures shared by every app: the cast of users, the catalogue they use,
and real backing services (a Celery worker) where a test needs them.

The cast, as in CONVENTIONS.md: ``requester`` (member of ``institution``),
``colleague`` (functional correspondent of the same institution),
``outsider`` (member of ``other_institution``), ``agent`` (of ``service``,
which handles ``category``), ``other_agent`` (of ``other_service``, which
handles ``other_category``), ``manager`` (of ``service``), ``admin`` and the
anonymous client ``client``.
"""

from __future__ import annotations

import os
import time

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY as AUTHENTICATION_METHODS_USER_SESSION_KEY,
)
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from accounts.models import Institution, Membership, MembershipRole, RequesterProfile, User
from catalogue.models import Category, CategoryKind, Service, ServiceMembership, ServiceRole

# The closing "Tests that ran: N" line, and no skip under `make test`.
pytest_plugins = ["helpdesk.testing.summary"]

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - the test cast's password


def pytest_configure(config: pytest.Config) -> None:
    """On CI, unreachable PostgreSQL or Redis is a failure, never a skip."""
    problems = []
    if os.environ.get("REDIS_URL"):
        import redis

        try:
            redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3).ping()
        except Exception as exc:
            problems.append(f"REDIS_URL is set but Redis does not answer: {exc}")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        import psycopg

        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        try:
            psycopg.connect(url, connect_timeout=3).close()
        except Exception as exc:
            problems.append(f"DATABASE_URL is set but PostgreSQL does not answer: {exc}")
    if problems:
        pytest.exit("\n".join(problems), returncode=3)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` run only on PostgreSQL; on SQLite they are
    deselected (not skipped) and counted, and CI runs them on the PG leg."""
    if settings.IS_POSTGRES:
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session", autouse=True)
def _no_stray_database_sessions(django_db_setup, django_db_blocker):
    """On PostgreSQL the test database is dropped at the end; a connection some thread left open makes
    that drop fail ("being accessed by other users") after every test passed. Name the stray sessions
    (their last statement says who opened them), then end them so the drop goes through."""
    yield
    if not settings.IS_POSTGRES:
        return
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, left(query, 200) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        for pid, *described in cursor.fetchall():
            print(f"\nstray PostgreSQL session {pid} at the end of the tests: {described}")
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture(autouse=True)
def _clear_cache():
    from helpdesk import throttle

    cache.clear()
    throttle.forget()  # its process memory too: ids come back from one test to the next
    yield
    cache.clear()
    throttle.forget()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of one test never leak into another."""
    if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path / "media")}},
        }


@pytest.fixture(autouse=True)
def _fresh_kept_histories():
    """The agent page keeps rendered histories per process under the ticket's id and version (on SQLite
    ids come back from one test to the next, and a test under a frozen clock repeats ``updated``), and
    institutions' closures for a minute, and the ticket's kept fragments under the same key."""
    from tickets.agent import ticket_page
    from tickets.templatetags import kept_fragments

    ticket_page.forget_histories()
    ticket_page.forget_calendars()
    kept_fragments.forget()
    yield
    ticket_page.forget_histories()
    ticket_page.forget_calendars()
    kept_fragments.forget()


def make_user(email: str, **extra) -> User:
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def institution(db) -> Institution:
    return Institution.objects.create(name="Université de Test", code="utest")


@pytest.fixture
def other_institution(db) -> Institution:
    return Institution.objects.create(name="Autre Université", code="autre")


@pytest.fixture
def service(db) -> Service:
    return Service.objects.create(name="Assistance informatique", slug="dsi", email="dsi@example.org")


@pytest.fixture
def other_service(db) -> Service:
    return Service.objects.create(name="Scolarité", slug="scol", email="scol@example.org")


@pytest.fixture
def category(service) -> Category:
    # An agency branch (open to correspondents): ``colleague`` acts for ``requester`` here.
    box = Category.objects.create(
        name="Informatique", slug="informatique", kind=CategoryKind.GROUP, open_to_correspondents=True
    )
    return Category.objects.create(
        name="Messagerie", slug="messagerie", parent=box, kind=CategoryKind.LEAF, service=service
    )


@pytest.fixture
def other_category(other_service) -> Category:
    return Category.objects.create(
        name="Inscriptions", slug="inscriptions", kind=CategoryKind.LEAF, service=other_service
    )


@pytest.fixture
def requester(institution) -> User:
    user = make_user(
        "requester@example.org", first_name="Camille", last_name="Martin", profile=RequesterProfile.STUDENT
    )
    Membership.objects.create(user=user, institution=institution, role=MembershipRole.MEMBER)
    return user


@pytest.fixture
def colleague(institution) -> User:
    user = make_user(
        "colleague@example.org", first_name="Dominique", last_name="Bernard", profile=RequesterProfile.STAFF
    )
    Membership.objects.create(user=user, institution=institution, role=MembershipRole.FUNCTIONAL)
    return user


@pytest.fixture
def outsider(other_institution) -> User:
    user = make_user("outsider@example.net", first_name="Eve", last_name="Dehors", profile=RequesterProfile.EXTERNAL)
    Membership.objects.create(user=user, institution=other_institution, role=MembershipRole.FUNCTIONAL)
    return user


@pytest.fixture
def agent(service) -> User:
    user = make_user("agent@example.org", first_name="Alex", last_name="Petit", profile=RequesterProfile.STAFF)
    ServiceMembership.objects.create(service=service, user=user, role=ServiceRole.AGENT)
    return user


@pytest.fixture
def other_agent(other_service) -> User:
    user = make_user("other.agent@example.org", first_name="Jo", last_name="Ailleurs", profile=RequesterProfile.STAFF)
    ServiceMembership.objects.create(service=other_service, user=user, role=ServiceRole.AGENT)
    return user


@pytest.fixture
def manager(service) -> User:
    user = make_user("manager@example.org", first_name="Sacha", last_name="Durand", profile=RequesterProfile.STAFF)
    ServiceMembership.objects.create(service=service, user=user, role=ServiceRole.MANAGER)
    return user


@pytest.fixture
def admin(db) -> User:
    return make_user("admin@example.org", first_name="Claude", last_name="Admin", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for():
    """``client_for(user)`` returns a test client logged in as that user, as after
    a full login: allauth's session log says a password and a second factor were
    used (so MFA requirements are met; re-authentication is still asked for)."""

    def make(user: User | None) -> Client:
        c = Client()
        if user is not None:
            c.force_login(user)
            session = c.session
            now = time.time()
            session[AUTHENTICATION_METHODS_SESSION_KEY] = [
                {"method": "password", "at": now, "email": user.email},
                {"method": "mfa", "at": now, "type": "totp"},
            ]
            session[AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
            session.save()
        return c

    return make


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) for the whole session; the worker sends to it."""
    from helpdesk.testing.smtp import SMTPServer

    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server, settings):
    """The SMTP server, emptied, with this process's mail going to it too."""
    smtp_server.reset()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield smtp_server
    smtp_server.reset()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory, smtp_server):
    """A real worker process; tests using it need ``transactional_db``.
    It sends mail to ``smtp_server``."""
    from helpdesk.celery import app
    from helpdesk.testing.worker import WorkerProcess

    app.control.purge()  # nothing left over from an earlier run
    with django_db_blocker.unblock():
        worker = WorkerProcess(tmp_path_factory.mktemp("celery") / "worker.log")
        worker.start(extra_env={"EMAIL_URL": smtp_server.url})
        try:
            worker.wait_ready()
            yield worker
        finally:
            worker.stop()


# --- Real browser ------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from helpdesk.testing.browser import CHROMIUM, CHROMIUM_ARGS, require_browser_tools

    require_browser_tools()
    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # the tests make between page actions are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh French-speaking browser tab; ``page.base_url`` is the live server.

    ``bypass_csp`` only lets the tests inject axe-core; the CSP header itself
    is tested separately.
    """
    context = browser.new_context(locale="fr-FR", bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.base_url = live_server.url
    yield tab
    context.close()
