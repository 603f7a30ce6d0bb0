"""``once_per``: one winner per window, across processes (the cache), cheaply within one (its memory)."""

from __future__ import annotations

from django.core.cache import cache

from helpdesk import throttle


def test_once_per_window_then_again_after_forget():
    assert throttle.once_per("k", 60) is True
    assert throttle.once_per("k", 60) is False
    assert throttle.once_per("other", 60) is True
    throttle.forget("k")
    assert throttle.once_per("k", 60) is True


def test_another_process_sees_the_key_taken():
    assert throttle.once_per("shared", 60) is True
    throttle._known.clear()  # another worker: no memory of it, the cache answers
    assert throttle.once_per("shared", 60) is False


def test_this_process_asks_the_cache_nothing_within_its_window(monkeypatch):
    assert throttle.once_per("local", 60) is True
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: 1 / 0)
    assert throttle.once_per("local", 60) is False
