"""Run inside django-helpdesk's virtualenv by ``bench/compare/compare.py``.

python bench_peer.py sessions ID …          → {"ID": "sessionid=…", …}
python bench_peer.py queries ID URL …       → {"URL": queries of one GET as user ID, …} (second visit)
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
import django

django.setup()
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402


def sessions(ids):
    out = {}
    for user in get_user_model().objects.filter(pk__in=ids):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        out[str(user.pk)] = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    return out


def queries(user_id, urls):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_id))
    out = {}
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        out[url] = len(ctx.captured_queries)
    return out


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    result = sessions([int(a) for a in args]) if command == "sessions" else queries(int(args[0]), args[1:])
    print(json.dumps(result))
