"""``choice_label`` (the agent page's labels from choices read once per process, issue 22) says what
Django's ``get_FOO_display`` says, for every value, in both languages, and the value itself when unknown."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.models import RequesterProfile, User
from tickets.models import Ticket
from tickets.templatetags.tickets_tags import choice_label


@pytest.mark.parametrize("language", ["fr", "en"])
def test_choice_label_is_get_display(language):
    with translation.override(language):
        for value, _label in Ticket._meta.get_field("channel").choices:
            ticket = Ticket(channel=value)
            assert choice_label(ticket, "channel") == ticket.get_channel_display()
        for value in RequesterProfile.values:
            user = User(profile=value)
            assert choice_label(user, "profile") == user.get_profile_display()
    assert choice_label(Ticket(channel="pigeon"), "channel") == "pigeon"
