"""A journey through the site in a real browser: each step is checked with
axe-core and photographed, and the keyboard-only helpers drive the page
without a mouse (Tab to reach a control, Enter/Space to use it, typing to
fill it).

Screenshots land in ``var/screenshots/<journey>/NN-step.png`` (ignored by git).
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from helpdesk.testing.browser import SCREENSHOTS, axe_violations

MAX_TABS = 120


class Journey:
    def __init__(self, page, name: str) -> None:
        self.page = page
        self.name = name
        self.steps = 0
        self.language = ""  # when set, every step checks <html lang>
        self.checked: list[str] = []  # the pages axe-core looked at, for the report
        self.folder = SCREENSHOTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()

    def step(self, label: str, *, page=None) -> Path:
        """Check the page as it is now (zero serious/critical axe violation) and photograph it.

        ``page`` is another person's tab in a journey with several people (each
        in their own browser context); the steps of all of them share one
        numbering, in the order they happened.
        """
        page = page or self.page
        page.wait_for_load_state()
        if self.language:
            assert page.locator("html").get_attribute("lang") == self.language, f"{label}: {page.url}"
        self.steps += 1
        path = self.folder / f"{self.steps:02d}-{re.sub(r'[^a-z0-9]+', '-', label.lower()).strip('-')}.png"
        page.screenshot(path=str(path), full_page=True)
        violations = axe_violations(page)
        assert violations == [], f"{self.name} / {label} ({page.url}): {violations}"
        self.checked.append(page.url)
        return path

    # --- Keyboard only ------------------------------------------------------------

    def tab_to(self, locator) -> None:
        """Press Tab until ``locator`` has the focus (proves it is reachable, in order, by keyboard)."""
        locator.wait_for()
        for _ in range(MAX_TABS):
            if locator.evaluate("el => el === document.activeElement"):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{locator} cannot be reached with the Tab key")

    def press(self, locator, key: str = "Enter") -> None:
        self.tab_to(locator)
        self.page.keyboard.press(key)

    def follow(self, locator) -> None:
        """Tab to a link or a submit button and press Enter, waiting for the next page."""
        with self.page.expect_navigation():
            self.press(locator, "Enter")

    def type_into(self, locator, text: str) -> None:
        self.tab_to(locator)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def type_date(self, date_input, iso: str) -> None:
        """Type a date into <input type=date> segment by segment, in whichever order
        (month/day or day/month) this Chromium's locale displays."""
        year, month, day = iso.split("-")
        self.tab_to(date_input)
        for order in ((month, day, year), (day, month, year)):
            self.page.keyboard.type("".join(order))
            if date_input.input_value() == iso:
                return
            self.page.keyboard.press("Shift+Tab")  # back from the year to the first segment
            self.page.keyboard.press("Shift+Tab")
        raise AssertionError(f"could not type {iso} into {date_input}")

    def choose(self, select, value: str) -> None:
        """Pick an option of a closed <select> with the arrow keys."""
        self.tab_to(select)
        self.page.keyboard.press("Home")
        for _ in range(50):
            if select.input_value() == value:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"option {value!r} not reachable with the arrow keys in {select}")

    def attach(self, file_input, path: Path) -> None:
        """Open the file chooser with the Space key (as a keyboard user does) and pick ``path``.

        Playwright turns the interception of file dialogs on without waiting
        for the browser to confirm it; a listener registered before reaching the
        input (several round trips) makes sure it is on when Space is pressed.
        On a loaded machine the key press can still be lost (Chromium wants a
        focused page and a fresh user activation), so the key is tried again —
        still the keyboard, never a click.
        """
        listener = lambda chooser: None  # noqa: E731 - only its presence matters
        self.page.on("filechooser", listener)
        self.page.bring_to_front()
        try:
            for attempt in range(3):
                self.tab_to(file_input)
                try:
                    with self.page.expect_file_chooser(timeout=8_000) as chooser:
                        self.page.keyboard.press("Space")
                except PlaywrightTimeoutError:
                    if attempt == 2:
                        raise
                    continue
                chooser.value.set_files(str(path))
                return
        finally:
            self.page.remove_listener("filechooser", listener)


# --- Several people, one journey ----------------------------------------------------


def sign_in(journey: Journey, page, email: str, password: str) -> None:
    """Sign in through the login page (checked and photographed), past the first-visit intro."""
    page.goto(page.base_url + "/accounts/login/")
    journey.step(f"login {email.split('@')[0]}", page=page)
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main form:has(#id_password) button[type=submit]").click()
    if "/accounts/intro/" in page.url:
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
    assert "/accounts/login/" not in page.url, f"{email} could not sign in"


def click_through(page, locator) -> None:
    """Click a link or submit button and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()


def open_from_mail(page, link: str):
    """Open a link of a mail as a mail client does: in a new tab of the person's browser."""
    tab = page.context.new_page()
    tab.base_url = page.base_url
    tab.goto(link)
    return tab


# --- The agent's ticket page (issue 17): header buttons, one composer, "Autres actions" ------------


def agent_click(tab, button: str) -> None:
    """A one-click action of the header ("Je prends la demande", "Reprendre"…), by its button's name."""
    click_through(tab, tab.locator(".ticket-toolbar").get_by_role("button", name=button, exact=True))


def agent_write(tab, mode: str, text: str) -> None:
    """Choose the composer's tab ``mode`` (reply, internal_note, ask, propose) and type ``text`` in its box."""
    tab.locator(f"[role=tab][data-composer-tab={mode}]").click()
    assert tab.locator(f"[role=tab][data-composer-tab={mode}]").get_attribute("aria-selected") == "true"
    tab.locator("#composer-text").fill(text)


def agent_send(tab) -> None:
    """The composer's send button, through the door of the chosen tab."""
    click_through(tab, tab.locator("[data-composer-send]"))


def agent_compose(tab, mode: str, text: str) -> None:
    agent_write(tab, mode, text)
    agent_send(tab)


def agent_open_action(tab, name: str) -> None:
    """Open the form of ``name`` from the "Autres actions" menu (fetched into #action-panel by htmx)."""
    tab.locator("[data-action-menu] summary").click()
    tab.locator(f"[data-action-menu] a[href='?action={name}#action-panel']").click()
    tab.locator(f"#action-panel #action-{name}").wait_for()
    tab.locator("#action-panel form.action__form").wait_for()


def agent_submit_action(tab) -> None:
    """Send the form opened from the menu."""
    click_through(tab, tab.locator("#action-panel form.action__form button[type=submit]"))
