"""Real-browser test helpers: Debian's Chromium driven by Playwright, axe-core
checks and screenshots.

Chromium comes from Debian (`apt-get install chromium`, done by
`.ci/system-deps`); axe-core from the npm registry (`npm install`, done by
`make install`). A missing piece is a failure naming what to install, never
a skip: `make test` installs both when run as root.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path(os.environ.get("GUICHET_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
# Chromium must not try to reach the network on its own (the sandbox has none).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
BLOCKING_IMPACTS = {"serious", "critical"}


def require_browser_tools() -> None:
    missing = [str(p) for p in (CHROMIUM, AXE_JS) if not p.exists()]
    if not missing:
        return
    pytest.fail(
        f"browser tests need {', '.join(missing)}: run .ci/system-deps as root (Debian packages chromium, npm), "
        "then npm install",
        pytrace=False,
    )


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A/AA rules) on the page; return serious/critical violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
