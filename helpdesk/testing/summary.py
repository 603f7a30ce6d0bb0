"""Pytest plugin: the closing count of tests that ran, and no skip under ``make test``.

``make test`` sets ``GUICHET_FORBID_SKIPS=1``: a test skipped there (a tool
missing, a guard left behind) fails the run instead of hiding in a green
total. Deselected tests (``postgres`` on SQLite) are not skips.
"""

from __future__ import annotations

import os

import pytest

RAN = ("passed", "failed", "error", "xfailed", "xpassed")


def _count(config: pytest.Config, key: str) -> int:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return 0
    return len([r for r in reporter.stats.get(key, []) if getattr(r, "when", "call") in ("call", "setup", "teardown")])


def _skips_forbidden() -> bool:
    return os.environ.get("GUICHET_FORBID_SKIPS", "") not in ("", "0", "false")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skips_forbidden() and _count(session.config, "skipped") and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    counts = {key: _count(config, key) for key in (*RAN, "skipped")}
    ran = sum(counts[key] for key in RAN)
    details = ", ".join(f"{counts[key]} {key}" for key in (*RAN, "skipped") if counts[key])
    terminalreporter.write_line(f"Tests that ran: {ran}" + (f" ({details})" if details else ""), bold=True)
    if _skips_forbidden() and counts["skipped"]:
        terminalreporter.write_line(
            f"{counts['skipped']} test(s) skipped: under make test a skip is a failure (see the reasons above).",
            red=True,
        )
