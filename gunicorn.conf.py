"""gunicorn settings of the web processes (README, "Production"): ``gunicorn helpdesk.wsgi -c gunicorn.conf.py``.

One worker per core, four threads each (``gthread``), the application loaded
once before forking. A filing spends a good part of its time waiting for
PostgreSQL (a dozen round trips) and Redis; threads let a core serve another
request meanwhile, where a sync worker sits idle. Measured with
``bench/load.py`` on 2 cores (README, "Production"): gthread 2 × 4 filed more
per second than sync with 3, 4 or 6 workers and gthread 4 × 2, at less
server CPU per request. Each thread keeps its own database connection
(``CONN_MAX_AGE``): count workers × threads connections per machine.

Override any value on the command line or in ``GUNICORN_CMD_ARGS``;
``WEB_CONCURRENCY`` (workers) and ``GUNICORN_THREADS`` set the two that
depend on the machine.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread" if threads > 1 else "sync"
# Imports the project once in the master: less memory, faster restarts. Nothing opens a
# connection at import time (database, Redis and broker connections are made per process).
preload_app = True
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
timeout = 30
graceful_timeout = 30
# No keep-alive: a gthread worker keeps serving the connections it accepted, so clients that
# reuse theirs stay where they first landed — bench/load.py found one worker at 83 % of a core
# and the other at 12 %, the machine 69 % busy. Closed after each response, every request is
# accepted by whichever worker is free: 63 % / 62 %, the machine 92 % busy, 23 → 27 filings/s on
# the same data. A TLS proxy in front talks to gunicorn over loopback, where a connection costs
# little (nginx's default to upstreams is one connection per request anyway).
keepalive = 0
# Recycles a worker now and then (staggered) so that a slow leak never grows for months.
max_requests = 5000
max_requests_jitter = 500
