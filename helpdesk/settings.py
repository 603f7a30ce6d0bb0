"""Guichet settings: one file, read from the environment.

Defaults are for a laptop: SQLite, files under ``var/``, a broker that needs
no server, mail written to ``var/mail/``. Production switches each of them by
environment variable (see the table in README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from helpdesk.env import env, s3_storage, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "pytest" in sys.modules or env.bool("GUICHET_TESTING", default=False)
# Tests get their own var/ so they never touch a developer's demo data.
VAR_DIR = Path(env.str("GUICHET_VAR_DIR", default=str(BASE_DIR / "var" / "test" if TESTING else BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Core -------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = secret_key(VAR_DIR, debug=DEBUG)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The public address of the site, used in links inside emails. `make run`
# (run_all) sets it to the address it serves, e.g. PORT=8001 → :8001.
SITE_URL = env.str("GUICHET_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.postgres",
    # Django's own widget templates, found by the project form renderer below.
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.mfa",
    "django_cas_ng",
    "helpdesk",
    "accounts",
    "catalogue",
    "tickets",
    "knowledge",
    "inbound",
    "stats",
    "privacy",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from static/: no CDN
    "api",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "helpdesk.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A session opened by a signed email link stays on its one ticket.
    "tickets.middleware.SignedLinkScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"
# One field template for every form of every app (required marks, errors, help).
FORM_RENDERER = "helpdesk.forms.GuichetFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'guichet.sqlite3'}")}
# Persistent connections (checked before reuse): opening one costs a few ms per request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and beat share the file.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL;")
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    # A file, not memory: a Celery worker started by the tests must see it.
    DATABASES["default"].setdefault("TEST", {"NAME": str(VAR_DIR / "test.sqlite3")})
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
if IS_POSTGRES:
    # libpq waits forever for a server that accepts and never answers.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("GUICHET_DB_CONNECT_TIMEOUT", default=5)
    )
# /healthz answers within this many seconds whatever the backing services do.
GUICHET_HEALTH_DEADLINE_SECONDS = env.float("GUICHET_HEALTH_DEADLINE_SECONDS", default=2.0)
if IS_POSTGRES and not env.bool("GUICHET_PG_JIT", default=False):
    # PostgreSQL's JIT compiles any plan whose estimate is large, which at a million tickets means
    # list pages whose LIMIT makes them cheap in fact: 330 ms of compiling for a 2 ms query.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if IS_POSTGRES:
    # Form choices are read with .iterator(): a server-side cursor costs DECLARE, FETCH and CLOSE
    # round trips for a few dozen rows (and breaks behind a transaction-pooling PgBouncer).
    DATABASES["default"].setdefault("DISABLE_SERVER_SIDE_CURSORS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker, Celery --------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
# A Redis outage must never fail a request: the cache bounds every call and
# falls back to process memory meanwhile (helpdesk/cache.py).
GUICHET_CACHE_TIMEOUT = env.float("GUICHET_CACHE_TIMEOUT", default=0.5)
GUICHET_CACHE_RETRY_SECONDS = env.float("GUICHET_CACHE_RETRY_SECONDS", default=5.0)
if REDIS_URL:
    from helpdesk.cache import cache_settings

    CACHES = {
        "default": cache_settings(REDIS_URL, timeout=GUICHET_CACHE_TIMEOUT, retry_seconds=GUICHET_CACHE_RETRY_SECONDS)
    }
else:
    # A file cache is shared by the web server and the worker on one machine,
    # which local memory is not (rate limits must hold across processes).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or f"file://{VAR_DIR / 'celery-results'}")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _sub in ("queue", "processed", "control"):
        (BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery-results").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Exchange tables (worker remote control); kombu's default is a
        # "control" folder in the current directory, i.e. the repository.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
# Never let a web request hang on an unreachable broker: fail fast, the
# outbox sweeper sends what could not be queued.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = "Europe/Paris"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Mail -------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Guichet <guichet@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- Files ------------------------------------------------------------------

MEDIA_ROOT = VAR_DIR / "media"
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = s3_storage(
        bucket=AWS_STORAGE_BUCKET_NAME,
        endpoint_url=env.str("AWS_S3_ENDPOINT_URL", default=""),
        region_name=env.str("AWS_S3_REGION_NAME", default=""),
        access_key=env.str("AWS_ACCESS_KEY_ID", default=""),
        secret_key=env.str("AWS_SECRET_ACCESS_KEY", default=""),
    )
else:
    # No MEDIA_URL: attachments are only ever served through a view that
    # checks permission.
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }

# Attachments are private: readable by the application's user only, whatever the umask.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("GUICHET_STATIC_MANIFEST", default=not DEBUG and not TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Files browsers ask for at the root of the site (/favicon.ico).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# --- Identity ---------------------------------------------------------------
# Owned by accounts/: local accounts (allauth), institutional SSO (CAS through
# accounts.sso.cas, OIDC and SAML through allauth providers configured per
# institution), MFA and the abuse limits. See accounts/sso/__init__.py for the
# keys of Institution.sso_settings.

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupProfileForm"
ACCOUNT_FORMS = {
    "login": "accounts.login_form.LoginForm",
    "signup": "accounts.login_form.SignupForm",
    "add_email": "accounts.login_form.AddEmailForm",
    "reset_password": "accounts.login_form.ResetPasswordForm",
}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# A new address replaces the old one only once it is verified.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_PREVENT_ENUMERATION = True
# Adding, removing or making primary an address, and connecting an SSO account,
# ask for the password (or second factor) again when the last re-authentication
# is older than ACCOUNT_REAUTHENTICATION_TIMEOUT (300 s); changing the password
# asks for the old one.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# allauth merges these with its defaults (signup 20/m/ip, login 30/m/ip,
# reset_password 20/m/ip + 5/m/key…); a view-level limit answers 429.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "signup": "20/m/ip,200/h/ip"}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Guichet] "
# Institutional SSO: accounts are created on first login; an existing account
# is linked automatically only under the rules of accounts.sso.linking.
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = "oidc"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("GUICHET_MFA_ISSUER", default="Guichet")
# Who must have passed a second factor in this session before any page but
# their account's (accounts.middleware.StaffMFARequiredMiddleware): agents,
# service managers and administrators with the first setting; superusers
# always unless the second is turned off. Without an authenticator they are
# sent to enrol one, with one but a session that did not use it, to use it.
GUICHET_MFA_REQUIRED_FOR_STAFF = env.bool("GUICHET_MFA_REQUIRED_FOR_STAFF", default=False)
GUICHET_MFA_REQUIRED_FOR_SUPERUSERS = env.bool("GUICHET_MFA_REQUIRED_FOR_SUPERUSERS", default=True)
# CAS servers are asked to validate tickets over HTTPS with certificate checks;
# the timeout keeps a slow CAS server from hanging a login request.
GUICHET_CAS_TIMEOUT = env.float("GUICHET_CAS_TIMEOUT", default=10.0)

# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
FORMAT_MODULE_PATH = ["helpdesk.formats"]  # European English date formats (helpdesk/formats/en)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Security ---------------------------------------------------------------
# Production values switch on with DEBUG off; each can be overridden by env
# (e.g. SSL redirect off when a proxy already does it).

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
BEHIND_PROXY = env.bool("DJANGO_BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client address allauth's rate limits count by. Behind the proxy,
# REMOTE_ADDR is the proxy's for everyone: read X-Forwarded-For, trusting
# the rightmost DJANGO_TRUSTED_PROXY_COUNT entries (those our proxies append;
# anything left of them is the client's to forge), or a header that the
# proxy sets itself (DJANGO_TRUSTED_CLIENT_IP_HEADER, e.g. X-Real-IP).
# Without a proxy, the headers are ignored and REMOTE_ADDR counts.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=1) if BEHIND_PROXY else 0
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = (
    (env.str("DJANGO_TRUSTED_CLIENT_IP_HEADER", default="") or None) if BEHIND_PROXY else None
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (Redis in production) and written through to the
# database: no session query on an ordinary page, nothing lost if the cache is flushed.
SESSION_ENGINE = env.str("DJANGO_SESSION_ENGINE", default="django.contrib.sessions.backends.cached_db")
X_FRAME_OPTIONS = "DENY"
# Powerful browser features the site never uses are switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), usb=()"
)
# Error pages in the site layout and the visitor's language (helpdesk/errors.py).
CSRF_FAILURE_VIEW = "helpdesk.errors.csrf_failure"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)

# --- Guichet ----------------------------------------------------------------

GUICHET_INSTANCE_ID = env.str("GUICHET_INSTANCE_ID", default="guichet")
GUICHET_DEMO_PASSWORD = env.str("GUICHET_DEMO_PASSWORD", default="guichet-demo-2026")

# --- Inbound email (the inbound app) ---------------------------------------
# The function every way in (IMAP polling, `manage.py ingest_email`, maildir
# import) hands raw messages to: ingest(raw: bytes, *, source: str) -> result.
GUICHET_INBOUND_HANDLER = env.str("GUICHET_INBOUND_HANDLER", default="inbound.pipeline.ingest")
# Messages larger than this are refused (kept in quarantine, never parsed).
GUICHET_INBOUND_MAX_BYTES = env.int("GUICHET_INBOUND_MAX_BYTES", default=30 * 1024 * 1024)
# A Message-ID on one of these domains is one Guichet sent: such mail coming
# back is ours and never filed. Default: the domain of our Message-IDs,
# GUICHET_INSTANCE_ID, so the two always agree. (Our signed Message-IDs,
# helpdesk.mail.message_id, are recognised first whatever this says; this
# catches other mail of the instance.)
GUICHET_INBOUND_OWN_DOMAINS = env.list("GUICHET_INBOUND_OWN_DOMAINS", default=[GUICHET_INSTANCE_ID])
# Mail to an address of ours that no category claims (catalogue InboundAddress)
# files into this leaf category (its slug); empty: such mail is quarantined.
GUICHET_INBOUND_DEFAULT_CATEGORY = env.str("GUICHET_INBOUND_DEFAULT_CATEGORY", default="")
# Per-sender flood limit on NEW tickets by email: at most COUNT in WINDOW
# seconds; more are quarantined (replies to existing tickets are not counted).
GUICHET_INBOUND_RATE_LIMIT_COUNT = env.int("GUICHET_INBOUND_RATE_LIMIT_COUNT", default=10)
GUICHET_INBOUND_RATE_LIMIT_WINDOW = env.int("GUICHET_INBOUND_RATE_LIMIT_WINDOW", default=3600)
# Global limit of automatic answers to incoming mail (acknowledgements, "unverified
# message" notices) per hour, all senders together: beyond it tickets are still
# filed but not answered, so forged mail cannot make us mail strangers in bulk.
GUICHET_INBOUND_ACK_RATE_LIMIT_PER_HOUR = env.int("GUICHET_INBOUND_ACK_RATE_LIMIT_PER_HOUR", default=300)
# authserv-id of OUR receiving MTA's Authentication-Results header (RFC 8601),
# e.g. "mx.univ.example.fr". Empty: no such header is trusted, and only replies
# carrying one of our signed Message-IDs may change a ticket's state.
GUICHET_INBOUND_TRUSTED_AUTHSERV_ID = env.str("GUICHET_INBOUND_TRUSTED_AUTHSERV_ID", default="")
# Raw messages up to this size are kept in the database row, larger ones in the file storage.
GUICHET_INBOUND_RAW_INLINE_MAX = env.int("GUICHET_INBOUND_RAW_INLINE_MAX", default=256 * 1024)
# IMAP mailboxes to poll, as a JSON list of objects; keys (see
# inbound/sources.py MailboxConfig): name, host, port, user, password,
# security ("ssl" | "starttls" | "none"), folder ("INBOX"), processed_folder
# (messages are moved there once filed; "" to only flag them), timeout,
# poll_every (seconds; each mailbox gets its own beat entry).
GUICHET_IMAP_MAILBOXES = env.json("GUICHET_IMAP_MAILBOXES", default=[])

# --- Outbox: notification mail (helpdesk.mail) -------------------------------
# A failed send is retried by the every-minute sweeper after 1, 2, 4… minutes
# (capped), then marked failed for an administrator to retry from admin —
# except a relay problem (the relay refuses or drops the whole transaction),
# retried without limit; see helpdesk/mail/delivery.py.
GUICHET_OUTBOX_MAX_ATTEMPTS = env.int("GUICHET_OUTBOX_MAX_ATTEMPTS", default=8)
GUICHET_OUTBOX_RETRY_BASE_SECONDS = env.int("GUICHET_OUTBOX_RETRY_BASE_SECONDS", default=60)
GUICHET_OUTBOX_RETRY_MAX_SECONDS = env.int("GUICHET_OUTBOX_RETRY_MAX_SECONDS", default=6 * 3600)
GUICHET_OUTBOX_BATCH_SIZE = env.int("GUICHET_OUTBOX_BATCH_SIZE", default=100)
# A row claimed longer ago than this was abandoned by a dead worker; it goes
# back to pending. A sender refreshes the claim of the row it sends and,
# every HEARTBEAT seconds, of the rest of its batch: the limit only has to
# exceed one send (a few EMAIL_TIMEOUTs), not a whole batch.
GUICHET_OUTBOX_STUCK_AFTER_SECONDS = env.int("GUICHET_OUTBOX_STUCK_AFTER_SECONDS", default=3 * 60)
GUICHET_OUTBOX_HEARTBEAT_SECONDS = env.int("GUICHET_OUTBOX_HEARTBEAT_SECONDS", default=30)
# Marking a row SENT is retried this many times (0.5, 1, 2, 4, 5 s) when the
# database is away: losing that update means sending the mail twice.
GUICHET_OUTBOX_RECORD_RETRIES = env.int("GUICHET_OUTBOX_RECORD_RETRIES", default=5)
# After a failed publish, web processes stop trying the broker for this long
# (the sweeper sends the rows), so an outage costs at most one timeout.
GUICHET_OUTBOX_BROKER_BACKOFF_SECONDS = env.int("GUICHET_OUTBOX_BROKER_BACKOFF_SECONDS", default=30)
# The function that tells which recipients are known to bounce, (addresses) -> set of them: the
# outbox (in helpdesk, which imports no app) does not send to them.
GUICHET_OUTBOX_SUPPRESSION_LIST = "accounts.bounces.bouncing_among"
# ... and the function that adds the recipients the relay refused for good: (refusals, *, message_id).
GUICHET_OUTBOX_MARK_BOUNCING = "accounts.bounces.mark_bouncing"
# --- Knowledge base ---------------------------------------------------------
# Search result counts stop at this number ("more than N"): counting every match costs a full scan.
KNOWLEDGE_SEARCH_COUNT_CAP = env.int("KNOWLEDGE_SEARCH_COUNT_CAP", default=1_000)

# --- Tickets ----------------------------------------------------------------

# Attachment limits: per file, number of files per ticket, total per ticket (bytes).
GUICHET_ATTACHMENT_MAX_SIZE = env.int("GUICHET_ATTACHMENT_MAX_SIZE", default=10 * 1024 * 1024)
GUICHET_ATTACHMENT_MAX_COUNT = env.int("GUICHET_ATTACHMENT_MAX_COUNT", default=10)
GUICHET_ATTACHMENT_MAX_TOTAL = env.int("GUICHET_ATTACHMENT_MAX_TOTAL", default=50 * 1024 * 1024)
# Requester timers when the category sets none (DESIGN.md: 5 + 5 working days).
GUICHET_REMINDER_DELAY_DAYS = env.int("GUICHET_REMINDER_DELAY_DAYS", default=5)
GUICHET_CLOSURE_DELAY_DAYS = env.int("GUICHET_CLOSURE_DELAY_DAYS", default=5)
# A session opened by a signed ticket link (email-only requesters) lasts at most this long.
# A bare logged-in page (base layout, no data) at /bench/page/: the yardstick of bench/queue.py --http.
GUICHET_BENCH_PAGE = env.bool("GUICHET_BENCH_PAGE", default=TESTING)
GUICHET_SIGNED_LINK_SESSION_MINUTES = env.int("GUICHET_SIGNED_LINK_SESSION_MINUTES", default=120)
# Timer sweeps: tickets handled per batch (one transaction each, its rows
# locked meanwhile; each batch is a few set-based statements, so bigger
# batches cost less per ticket: 1,000 take about a second).
GUICHET_TIMER_BATCH_SIZE = env.int("GUICHET_TIMER_BATCH_SIZE", default=1000)
# Files kept between a new ticket's preview and its submission are purged after this many hours.
GUICHET_PENDING_UPLOAD_HOURS = env.int("GUICHET_PENDING_UPLOAD_HOURS", default=24)
# Stored files no row refers to are purged nightly once older than this (uploads in progress are younger).
GUICHET_ORPHAN_FILE_GRACE_HOURS = env.int("GUICHET_ORPHAN_FILE_GRACE_HOURS", default=6)
# Personal data (RGPD): months after closure a ticket keeps its requester's data, unless its
# catalogue branch says otherwise; SVE requests have their own legal or archival period.
GUICHET_RETENTION_MONTHS = env.int("GUICHET_RETENTION_MONTHS", default=24)
GUICHET_SVE_RETENTION_MONTHS = env.int("GUICHET_SVE_RETENTION_MONTHS", default=60)
# Tickets anonymised per batch (one transaction each) by the nightly anonymisation.
GUICHET_ANONYMISE_BATCH_SIZE = env.int("GUICHET_ANONYMISE_BATCH_SIZE", default=1000)
# Requester accounts without activity for this many months are warned by mail, then anonymised
# after the grace period (days) unless they log in again.
GUICHET_INACTIVE_ACCOUNT_MONTHS = env.int("GUICHET_INACTIVE_ACCOUNT_MONTHS", default=36)
GUICHET_INACTIVE_ACCOUNT_GRACE_DAYS = env.int("GUICHET_INACTIVE_ACCOUNT_GRACE_DAYS", default=30)
# Months the audit trail of staff access to personal data is kept (its own retention period).
GUICHET_ACCESS_LOG_MONTHS = env.int("GUICHET_ACCESS_LOG_MONTHS", default=12)
# Seconds within which the same person's same access to the same ticket is recorded once (0: every one).
GUICHET_ACCESS_LOG_SAME_ACCESS_SECONDS = env.int("GUICHET_ACCESS_LOG_SAME_ACCESS_SECONDS", default=60)
# Hours a requester's data export (ZIP) stays downloadable through its signed link.
GUICHET_DATA_EXPORT_HOURS = env.int("GUICHET_DATA_EXPORT_HOURS", default=72)

# --- REST API (the api app) and webhooks ------------------------------------
# Personal access tokens and service accounts (Bearer), or the browser's session with CSRF.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # the browser, with CSRF on writes
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    # Counted in the default cache: Redis through helpdesk.cache's tolerant wrapper.
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.TokenRateThrottle", "api.throttles.AddressRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("GUICHET_API_RATE_PER_TOKEN", default="1200/min"),
        "address": env.str("GUICHET_API_RATE_PER_ADDRESS", default="600/min"),
    },
    "NUM_PROXIES": env.int("DJANGO_TRUSTED_PROXY_COUNT", default=1) if BEHIND_PROXY else 0,
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Guichet API",
    "DESCRIPTION": "Demandes, catalogue et base de connaissances de Guichet (voir README, section API).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
}
# Days a new personal access token lasts when its owner gives no date.
GUICHET_API_TOKEN_DAYS = env.int("GUICHET_API_TOKEN_DAYS", default=90)
# Webhooks: consecutive failed deliveries before a subscription is switched off (and its owner mailed),
# attempts per delivery, first retry delay (doubled each time), seconds a receiver may take.
GUICHET_WEBHOOK_MAX_FAILURES = env.int("GUICHET_WEBHOOK_MAX_FAILURES", default=10)
GUICHET_WEBHOOK_MAX_ATTEMPTS = env.int("GUICHET_WEBHOOK_MAX_ATTEMPTS", default=6)
GUICHET_WEBHOOK_RETRY_BASE_SECONDS = env.float("GUICHET_WEBHOOK_RETRY_BASE_SECONDS", default=30)
GUICHET_WEBHOOK_TIMEOUT = env.float("GUICHET_WEBHOOK_TIMEOUT", default=10)
# Destinations in loopback, link-local or private ranges are refused (SSRF) unless listed here:
# networks in CIDR notation, e.g. "10.20.0.0/16,127.0.0.1/32".
GUICHET_WEBHOOK_ALLOWED_NETWORKS = env.list("GUICHET_WEBHOOK_ALLOWED_NETWORKS", default=[])

# --- Logging: everything to stdout, the process manager collects it ---------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": env.str("GUICHET_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
