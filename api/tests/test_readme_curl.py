"""README's API example, run for real: curl against a live server with a requester's token."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest
from django.conf import settings

from api.tokens import token_create

README = settings.BASE_DIR / "README.md"


def readme_curl() -> str:
    (command,) = re.findall(r"^curl .*/api/v1/.*$", README.read_text(), re.MULTILINE)
    return command


@pytest.mark.django_db(transaction=True)
def test_readme_curl_example_lists_the_callers_tickets(live_server, make_ticket, requester):
    ticket = make_ticket()
    _token, secret = token_create(user=requester, name="README")
    command = readme_curl().replace("http://127.0.0.1:8000", live_server.url)
    done = subprocess.run(
        ["bash", "-c", command],
        env={**os.environ, "GUICHET_TOKEN": secret},
        capture_output=True,
        timeout=30,
        check=True,
    )
    assert [t["reference"] for t in json.loads(done.stdout)["results"]] == [ticket.reference]
