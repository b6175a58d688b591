"""Settings for the newsroom project, read from the environment.

Development and test defaults are safe; values that only production can supply
(``SECRET_KEY``, ``ALLOWED_HOSTS``, ``SOURCE_ENCRYPTION_KEYS``) must be set when ``DEBUG``
is off.
"""

import base64
import hashlib
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from whitenoise.compress import Compressor

from stories.immutable import immutable_for_a_year

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable, "
            "or DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. Set it to a comma-separated list of host names, "
            "or DEBUG=1 for local development."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Keys that encrypt what could expose a source (contact details, private notes, who is behind
# an anonymous citation), newest first: the first encrypts, every one decrypts, so a new key
# goes in front and an old one leaves after ``manage.py rotate_source_keys``.
SOURCE_ENCRYPTION_KEYS = env_list("SOURCE_ENCRYPTION_KEYS")
if not SOURCE_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SOURCE_ENCRYPTION_KEYS is not set. Set it to one or more comma-separated Fernet "
            "keys, newest first (make one with: python -c 'from cryptography.fernet import "
            "Fernet; print(Fernet.generate_key().decode())'), or DEBUG=1 for local development."
        )
    # Development only: a key that follows from SECRET_KEY, so local data stays readable.
    digest = hashlib.sha256(f"source-encryption:{SECRET_KEY}".encode()).digest()
    SOURCE_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(digest).decode()]
for position, key in enumerate(SOURCE_ENCRYPTION_KEYS, start=1):
    try:
        Fernet(key)
    except ValueError:
        raise ImproperlyConfigured(
            f"Key {position} of SOURCE_ENCRYPTION_KEYS is not a Fernet key (32 url-safe "
            "base64-encoded bytes, as Fernet.generate_key() makes)."
        ) from None

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",  # django.contrib.admin, with the desk as its home
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    "django_prose_editor",
    "caching",
    "stories",
    "live",
    "fronts",
    "api",
    "webhooks",
    "feedback",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache: a cached page is replayed with the policy of the request that
    # asks for it, never with a header (or a nonce) stored with the entry.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "stories.security.PermissionsPolicyMiddleware",
    "stories.origin.PublicOriginMiddleware",
    # Outside the page cache, so that cached responses answer conditional requests (304).
    "django.middleware.http.ConditionalGetMiddleware",
    # Before the page cache: an API answer served from it is counted against its client too.
    "api.middleware.ApiAccessMiddleware",
    "caching.middleware.PageCacheMiddleware",
    "caching.middleware.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "stories.shortcuts.MovedMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

# Reader pages are Jinja2 templates (reader_templates/, names in stories/jinja2.py), which
# render in a fraction of the time the Django template language takes; the admin, the sign-in
# pages and the news sitemap stay on the latter (templates/). Jinja2 is asked first: its
# templates are the ones served by the thousand.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "reader_templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "stories.jinja2.environment",
            "context_processors": [
                "stories.context_processors.site",
                "fronts.context_processors.banner",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "stories.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
# Seconds a save waits for another one to finish before it gives up (SQLite only; PostgreSQL
# locks rows and waits as long as the statement timeout lets it).
DATABASE_LOCK_TIMEOUT = float(os.environ.get("DATABASE_LOCK_TIMEOUT", "20"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # A writing transaction takes the write lock when it begins, so two saves queue up
        # instead of the second failing halfway with "database is locked"; in WAL mode
        # readers never wait for the writer.
        "transaction_mode": "IMMEDIATE",
        "timeout": DATABASE_LOCK_TIMEOUT,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
# Seconds PostgreSQL lets one statement of a web request run (0: no limit). The web server's
# entry points apply it (newsroom/wsgi.py, asgi.py); manage.py commands and migrations run
# without it.
DATABASE_STATEMENT_TIMEOUT = float(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "5"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Common passwords in disguise (P@ssw0rd!) and the newsroom's own name plus a year.
    {"NAME": "accounts.passwords.GuessablePasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# Files: static files, the picture library (MEDIA_ROOT, public) and source documents
# (PRIVATE_MEDIA_ROOT, outside it: served only by a permission-checked view). See the README's
# "Running in production" for an S3-compatible storage and for X-Accel-Redirect / X-Sendfile.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
PRIVATE_MEDIA_URL = "/files/"
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
PRIVATE_MEDIA_SENDFILE = os.environ.get("PRIVATE_MEDIA_SENDFILE", "").lower()
PRIVATE_MEDIA_ACCEL_PREFIX = os.environ.get("PRIVATE_MEDIA_ACCEL_PREFIX", "/_private/")
if PRIVATE_MEDIA_SENDFILE not in {"", "x-accel-redirect", "x-sendfile"}:
    raise ImproperlyConfigured(
        "PRIVATE_MEDIA_SENDFILE must be x-accel-redirect (nginx), x-sendfile (Apache) or empty."
    )
STORAGES = {
    "default": {"BACKEND": "stories.storage.CleanFileSystemStorage"},
    "private": {
        "BACKEND": "stories.storage.CleanFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": PRIVATE_MEDIA_URL},
    },
    # Hashed names and gzip/Brotli copies are made by collectstatic, so only in production.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# WhiteNoise serves STATIC_ROOT as collected; in development the apps' folders, as they change.
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_ADD_HEADERS_FUNCTION = immutable_for_a_year
# Source maps are fetched only by developer tools; compressing them doubles collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
# Uploaded pictures larger than this, or with more pixels, are refused before decoding.
IMAGE_MAX_UPLOAD_BYTES = int(os.environ.get("IMAGE_MAX_UPLOAD_MB", "20")) * 1_000_000
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_MEGAPIXELS", "40")) * 1_000_000

# Redis when REDIS_URL is set (shared by every worker process); otherwise local memory,
# which is per process: run a single process (``make run``, ``make serve``) without Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    )
}

# Whole-page cache for anonymous readers (see caching/): how long a response may be kept,
# by this site and by caches in front of it; browsers revalidate every time by default.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_TTL = int(os.environ.get("PAGE_CACHE_TTL", "300"))
PAGE_CACHE_BROWSER_MAX_AGE = int(os.environ.get("PAGE_CACHE_BROWSER_MAX_AGE", "0"))
PAGE_CACHE_STALE_WHILE_REVALIDATE = int(os.environ.get("PAGE_CACHE_STALE_WHILE_REVALIDATE", "30"))
PAGE_CACHE_STALE_IF_ERROR = int(os.environ.get("PAGE_CACHE_STALE_IF_ERROR", "86400"))
# After the cache fails, serve uncached and try it again after this many seconds.
PAGE_CACHE_RETRY_AFTER = 5
PAGE_CACHE_PRIVATE_PATHS = ("/admin/", "/preview/")
# No cached response outlives the next scheduled change of what readers may see: a story's
# publish or embargo, a live update's, a front version, a banner's start or expiry, the
# masthead's date. Each names its own next moment; the earliest wins.
PAGE_CACHE_HORIZON = (
    "stories.changes.next_visibility_change",
    "live.changes.next_update_change",
    "fronts.schedule.next_change",
)
PAGE_CACHE_HORIZON_KEY = "visibility"

# The content API (api/): requests a minute from one address without a partner key (a key
# carries its own limit), counted in this cache, which every process shares with Redis.
API_PATH = "/api/"
API_ANONYMOUS_RATE_LIMIT = int(os.environ.get("API_ANONYMOUS_RATE_LIMIT", "60"))
API_RATE_LIMIT_CACHE = "default"

# Background work (django.tasks): image renditions, tag merges, front-cache purges, search
# reindexing, webhook deliveries. "immediate" (development, tests) runs each task at once in
# the process that enqueues it; "database" (django-tasks-db) stores it for
# ``manage.py db_worker`` to run, which is what production uses.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND is {TASKS_BACKEND!r}; set it to {' or '.join(_TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}

# Webhooks (webhooks/): seconds before a failed delivery is tried again (doubling each time),
# and failed attempts in a row after which an endpoint is disabled.
WEBHOOK_RETRY_DELAY = float(os.environ.get("WEBHOOK_RETRY_DELAY", "60"))
WEBHOOK_DISABLE_AFTER = int(os.environ.get("WEBHOOK_DISABLE_AFTER", "15"))
# Whether endpoints may be on this machine or a private network (10.x, 192.168.x, ...):
# refused unless set, except in development.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", DEBUG)

# Tags are one identity regardless of case: "IRS", "irs" and "Irs" are the same tag.
TAGGIT_CASE_INSENSITIVE = True

# The publication the site speaks for, used in page titles, feeds and structured data.
NEWSROOM_NAME = os.environ.get("NEWSROOM_NAME", "The Ledger")

# Hand-off notes reach the people concerned by e-mail (stories/handoffs.py): in development
# written to the console, unless EMAIL_HOST names an SMTP server; in production sent through
# EMAIL_HOST (this machine's mail server unless set), with EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD and EMAIL_USE_TLS.
if DEBUG and not os.environ.get("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "desk@localhost")
NEWSROOM_TAGLINE = os.environ.get(
    "NEWSROOM_TAGLINE", "Independent reporting on government, money and power"
)

# Readers' error reports and tips (feedback/): messages an hour from one address (counted in
# this cache under a hash that expires with the hour), seconds a form must have been open
# before it is sent, days a handled message is kept (``manage.py prune_feedback``), and who is
# told of each new one (comma-separated addresses; none: nobody is mailed).
FEEDBACK_RATE_LIMIT = int(os.environ.get("FEEDBACK_RATE_LIMIT", "5"))
FEEDBACK_RATE_LIMIT_CACHE = "default"
FEEDBACK_MIN_SECONDS = float(os.environ.get("FEEDBACK_MIN_SECONDS", "3"))
FEEDBACK_KEEP_DAYS = int(os.environ.get("FEEDBACK_KEEP_DAYS", "90"))
FEEDBACK_DESK_EMAIL = env_list("FEEDBACK_DESK_EMAIL")

# The cache in front of the site (Varnish, a CDN), purged by surrogate key after each change
# (caching/frontends.py): "none", "varnish" or "http", at FRONTEND_CACHE_URL (comma-separated
# for several servers), each purge request waiting at most FRONTEND_CACHE_TIMEOUT seconds.
FRONTEND_CACHE_BACKEND = os.environ.get("FRONTEND_CACHE_BACKEND", "none")
FRONTEND_CACHE_URL = env_list("FRONTEND_CACHE_URL")
FRONTEND_CACHE_TIMEOUT = float(os.environ.get("FRONTEND_CACHE_TIMEOUT", "2"))
if FRONTEND_CACHE_BACKEND not in {"none", "varnish", "http"}:
    raise ImproperlyConfigured(
        f"FRONTEND_CACHE_BACKEND is {FRONTEND_CACHE_BACKEND!r}; set it to none, varnish or http."
    )
if FRONTEND_CACHE_BACKEND != "none" and not FRONTEND_CACHE_URL:
    raise ImproperlyConfigured(
        f"FRONTEND_CACHE_URL is not set. The {FRONTEND_CACHE_BACKEND} purge backend needs the "
        "address of the cache, e.g. http://127.0.0.1:6081."
    )
# Behind a TLS proxy: the header it sets on HTTPS requests, e.g. "X-Forwarded-Proto" (value
# https) or "X-Forwarded-Ssl: on". Set it only if the proxy always sets or strips the header.
if proxy_header := os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    header, _, secure_value = proxy_header.partition(":")
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + header.strip().upper().replace("-", "_"),
        secure_value.strip() or "https",
    )
# The public origin of every absolute URL in feeds, sitemaps, structured data and links
# (stories.origin); unset, each request's own.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if SITE_URL:
    site = urlsplit(SITE_URL)
    if site.scheme not in {"http", "https"} or not site.hostname or site.path or site.query:
        raise ImproperlyConfigured(
            f"SITE_URL must be an origin such as https://news.example, not {SITE_URL!r}."
        )
    CSRF_TRUSTED_ORIGINS.append(SITE_URL)
# Staff sign-in (accounts/, README "Staff sign-in"): lockout of repeated failures, a second
# factor for editors and superusers, an idle timeout.
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "accounts",
]
MIDDLEWARE += [
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    # Last, as django-axes requires: it turns a locked-out attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# The lockout is checked first, so that a locked-out attempt never reaches the password hasher.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
# Either the account or the address reaching the limit locks it out for the cool-off period.
# Success resets nothing (one's own account cannot clear an address's failures), and attempts
# made while locked out are not recorded: they cost no write and do not prolong the lockout.
AXES_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGNIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Signing in is complete only after a second factor for superusers and holders of these.
SIGNIN_SECOND_FACTOR_PERMISSIONS = [
    "stories.publish_story",
    "stories.view_source_contacts",
    "auth.add_user",
    "auth.change_user",
    "auth.change_group",
    "auth.change_permission",
]
OTP_TOTP_ISSUER = NEWSROOM_NAME
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Passkeys belong to one domain: the first of ALLOWED_HOSTS unless WEBAUTHN_RP_ID says otherwise.
OTP_WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID") or (
    "localhost" if DEBUG else ALLOWED_HOSTS[0].lstrip(".")
)
OTP_WEBAUTHN_RP_NAME = NEWSROOM_NAME
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS") or (
    ["http://localhost:8000"] if DEBUG else [f"https://{OTP_WEBAUTHN_RP_ID}"]
)
# A passkey is a second factor here, after the password and its lockout, never instead of them.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Idle timeout: each request of a signed-in person moves the expiry on; readers get no session.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ENGINE = "accounts.sessions"

# HTTPS and the headers browsers enforce (README "Running in production"). In production
# everything is on; HTTPS=0 (``make serve``) serves plain HTTP on this machine.
HTTPS = not DEBUG and env_bool("HTTPS", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# No script reads the CSRF cookie: the admin's forms and the passkey script take the token
# from the page.
CSRF_COOKIE_HTTPONLY = True
# A form refused by that check says why, on a page of the site, and how to send it again.
CSRF_FAILURE_VIEW = "stories.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = os.environ.get("REFERRER_POLICY", "strict-origin-when-cross-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = os.environ.get("CROSS_ORIGIN_OPENER_POLICY", "same-origin")
X_FRAME_OPTIONS = "DENY"
# Asking the browsers' preload lists to hard-code HTTPS for the domain is its owner's decision,
# hard to undo; without SECURE_HSTS_PRELOAD that is a choice, not something to warn about.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Content Security Policy: scripts, styles, pictures and fonts only from this site, no inline
# code. Reader pages are cached whole and shared, so they use no nonce; the admin (never
# cached) may, through {% csp_nonce_attr %}. CSP_REPORT_ONLY=1 sends the same policy as
# report-only, to try a change out; violations go to CSP_REPORT_URI when it is set.
# The rich-text editor (Tiptap, inside django-prose-editor) adds its core stylesheet as a
# <style> element without a nonce: that stylesheet is allowed by its hash. An upgrade that
# changes it shows in the browser tests, which fail on any refused style.
RICH_TEXT_EDITOR_STYLE = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
CONTENT_SECURITY_POLICY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE, RICH_TEXT_EDITOR_STYLE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "upgrade-insecure-requests": HTTPS,
    "report-uri": os.environ.get("CSP_REPORT_URI") or None,
}
if env_bool("CSP_REPORT_ONLY", False):
    SECURE_CSP_REPORT_ONLY = CONTENT_SECURITY_POLICY
else:
    SECURE_CSP = CONTENT_SECURITY_POLICY
# Powerful browser features no page of the site uses, refused to it and to anything it embeds.
PERMISSIONS_POLICY = os.environ.get(
    "PERMISSIONS_POLICY",
    ", ".join(
        f"{feature}=()"
        for feature in (
            "accelerometer",
            "autoplay",
            "browsing-topics",
            "camera",
            "display-capture",
            "encrypted-media",
            "geolocation",
            "gyroscope",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "screen-wake-lock",
            "serial",
            "usb",
            "xr-spatial-tracking",
        )
    ),
)
# /.well-known/security.txt (RFC 9116): whom to tell about a vulnerability.
SECURITY_CONTACT = env_list("SECURITY_CONTACT")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
