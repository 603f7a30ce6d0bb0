"""Fixtures of the journeys with several people: one browser context each
(its own cookies, as on separate computers), and the demo data."""

from __future__ import annotations

import pytest

from accounts import demo as accounts_demo
from catalogue import demo as catalogue_demo
from helpdesk.demo import DemoContext
from tickets import demo as tickets_demo


@pytest.fixture
def new_tab(browser, live_server):
    """``new_tab()`` opens a French-speaking tab in a fresh browser context (nobody signed in)."""
    contexts = []

    def make():
        context = browser.new_context(locale="fr-FR", bypass_csp=True, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        tab = context.new_page()
        tab.base_url = live_server.url
        return tab

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def demo(transactional_db, live_server, settings):
    """The demo people, catalogue and saved responses, built by the demo's own seeders.

    The links in mails point at the live server, so that the browser can
    follow them as the recipient would.
    """
    settings.SITE_URL = live_server.url
    ctx = DemoContext()
    accounts_demo.seed(ctx)
    catalogue_demo.seed(ctx)
    tickets_demo.seed_saved_responses()
    return ctx
