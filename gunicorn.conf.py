"""gunicorn settings of the web processes (README, "Production"): ``gunicorn helpdesk.wsgi -c gunicorn.conf.py``.

Chosen by measuring ``bench/load.py`` on 2 cores (see the README): PLACEHOLDER.
Every value can be overridden on the command line or with ``GUNICORN_CMD_ARGS``;
``WEB_CONCURRENCY`` and ``GUNICORN_THREADS`` set the two that depend on the machine.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1)))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
preload_app = True
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
timeout = 30
graceful_timeout = 30
# Recycles a worker now and then (staggered) so that a slow leak never grows for months.
max_requests = 5000
max_requests_jitter = 500
