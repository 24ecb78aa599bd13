"""Newsroom settings: one module, driven by environment variables.

Every variable is documented in README.md under "Configuration".
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from newsroom.logformat import JSON_FORMATTER

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# --- Core ------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)

_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-in-production"  # noqa: S105 (used only with DEBUG on)
# Without DEBUG an empty key is left empty: servers and system checks then
# refuse to start (newsroom/checks.py), while schema-only commands still run.
SECRET_KEY = env.str("SECRET_KEY", default="") or (
    _DEVELOPMENT_SECRET_KEY if DEBUG else ""
)

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Absolute links (feeds, canonical URLs, sitemaps, e-mails) are built from this,
# never from the request's Host header.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Newsroom Defence Review")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "django_prose_editor",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "csp",
    "articles",
]

MIDDLEWARE = [
    # Static files first, as if nothing else were there: they need none of
    # what follows (their one security header is added by whitenoise below).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "articles.delivery.middleware.RequestValidationMiddleware",
    # A cache hit is answered here, with the security headers and ETag stored
    # when the page was rendered by the middleware below.
    "articles.delivery.middleware.ReaderPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "articles.delivery.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "articles.delivery.middleware.SiteLocaleMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "articles.delivery.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires: it turns a lockout into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.delivery.context_processors.site",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'newsroom.sqlite3'}"
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # Reads through a memory map of up to 256 MiB instead of one
            # system call per page: a story page's queries take ~13 % less.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                " PRAGMA mmap_size=268435456;"
            ),
        }
    )
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # SSD-era planner cost, so full-text searches for common words use the
    # GIN index instead of reading the whole table.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c random_page_cost=1.1"
    )
    # Parameters bound by the server and statements prepared on a connection
    # once run five times: PostgreSQL plans a reader page's queries once per
    # connection instead of on every request (the story page's seven queries
    # 4.3 to 2.2 ms at 100 000 stories). Off behind a transaction-pooling
    # PgBouncer that does not keep prepared statements (before 1.21, or
    # max_prepared_statements = 0).
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"].update(
            server_side_binding=True, prepare_threshold=5
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caching ----------------------------------------------------------------------

# Redis in production (shared by every app server); otherwise a file cache,
# which every worker process on this machine shares.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "articles.internals.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="newsroom"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.str("CACHE_DIR", default=str(BASE_DIR / ".cache")),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
NEWSROOM_PAGE_CACHE = "default"
# How long a reader page may be cached (capped at the next scheduled change);
# 0 turns the page cache off.
NEWSROOM_PAGE_CACHE_SECONDS = env.int("NEWSROOM_PAGE_CACHE_SECONDS", default=600)
NEWSROOM_BROWSER_CACHE_SECONDS = env.int("NEWSROOM_BROWSER_CACHE_SECONDS", default=60)
# How long a story card's HTML is kept in the page cache's store, staled
# like pages by the changes touching what it shows; 0 renders every card.
NEWSROOM_FRAGMENT_CACHE_SECONDS = env.int(
    "NEWSROOM_FRAGMENT_CACHE_SECONDS", default=600
)
# A CDN in front: the dotted path of a callable given the dependency keys of
# each change (sorted), to purge what carries them; when set, cached pages
# name their keys in Surrogate-Key and Cache-Tag. See docs/deployment.md.
NEWSROOM_CDN_PURGE = env.str("NEWSROOM_CDN_PURGE", default="")
# Content of recently served pages each worker keeps in memory, so a hit
# fetches only the generation number from the shared cache; 0 keeps none.
NEWSROOM_LOCAL_PAGE_CACHE_MB = env.int("NEWSROOM_LOCAL_PAGE_CACHE_MB", default=32)
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Time ------------------------------------------------------------------------

# The clock that decides what readers see: "database" (PostgreSQL's clock, in
# the SQL that decides) or "machine" (this machine's). Empty: the database's
# on PostgreSQL, the machine's on SQLite. See articles/clock.py.
NEWSROOM_TIME_AUTHORITY = env.str("NEWSROOM_TIME_AUTHORITY", default="")
# /healthz logs a warning when this server's clock is further than this from
# the time authority's.
NEWSROOM_CLOCK_WARN_SECONDS = env.float("NEWSROOM_CLOCK_WARN_SECONDS", default=2.0)

# --- Authentication ------------------------------------------------------------

_VALIDATORS_MODULE = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS_MODULE}.UserAttributeSimilarityValidator"},
    {
        "NAME": f"{_VALIDATORS_MODULE}.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": f"{_VALIDATORS_MODULE}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS_MODULE}.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Where a login with a missing or off-site ?next= lands.
LOGIN_REDIRECT_URL = "admin:index"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out login is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes). Failures count per username *and* client
# address: a stranger cannot lock a colleague out from elsewhere, and one
# attacker cannot lock out a whole newsroom behind a shared egress address.
# Attempts live in the database, not the cache, so throttling keeps working
# (and keeps refusing) while Redis is down.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("NEWSROOM_LOGIN_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(
    minutes=env.int("NEWSROOM_LOGIN_COOLOFF_MINUTES", default=15)
)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_CLIENT_IP_CALLABLE = "articles.accounts.client_ip"

# --- Internationalisation and time -------------------------------------------

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en-gb")
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Django serves MEDIA_ROOT itself only in development or a single-machine
# trial of `make serve`; production media come from object storage or the
# web server.
NEWSROOM_SERVE_MEDIA = env.bool("NEWSROOM_SERVE_MEDIA", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Whitenoise serves hashed names (every {% static %} URL) as immutable for ten
# years by itself; this lifetime is for the few unhashed names.
WHITENOISE_MAX_AGE = 3600 if not DEBUG else 0


def static_file_headers(headers, path, url):
    """Static files are answered before the security middleware: a browser
    must still never sniff them into another type."""
    headers["X-Content-Type-Options"] = "nosniff"


WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers

# Uploads in object storage (S3 or any S3-compatible service), shared by every
# app server. Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
# or the machine's role, read by boto3 itself.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="")
AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "custom_domain": AWS_S3_CUSTOM_DOMAIN or None,
            "location": env.str("AWS_LOCATION", default=""),
            # Published photos are public: plain URLs that a CDN can cache.
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=86400"},
        },
    }


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# Where readers' browsers load uploaded images from, for the CSP's img-src.
if AWS_S3_CUSTOM_DOMAIN:
    _media_origin = f"https://{AWS_S3_CUSTOM_DOMAIN}"
elif AWS_STORAGE_BUCKET_NAME:
    _media_origin = _origin(AWS_S3_ENDPOINT_URL) or "https://*.amazonaws.com"
else:
    _media_origin = _origin(MEDIA_URL)
NEWSROOM_MEDIA_ORIGINS = env.list(
    "NEWSROOM_MEDIA_ORIGINS", default=[_media_origin] if _media_origin else []
)

# --- Security -------------------------------------------------------------------

# Production is served over HTTPS only; a local trial of the production set-up
# over plain HTTP sets NEWSROOM_HTTPS=0.
NEWSROOM_HTTPS = env.bool("NEWSROOM_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = NEWSROOM_HTTPS
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=31_536_000 if NEWSROOM_HTTPS else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = NEWSROOM_HTTPS
CSRF_COOKIE_SECURE = NEWSROOM_HTTPS
SESSION_COOKIE_HTTPONLY = True
# Forms carry the CSRF token; no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Reverse proxies (load balancer, CDN) in front of the app servers. With one
# or more, X-Forwarded-Proto tells whether the client used HTTPS, and the
# client address is read from X-Forwarded-For that many hops from the right
# (articles.accounts.client_ip). With none, both headers are ignored, so a
# client cannot forge them. Each proxy must overwrite X-Forwarded-Proto.
NEWSROOM_TRUSTED_PROXY_COUNT = env.int("NEWSROOM_TRUSTED_PROXY_COUNT", default=0)
if NEWSROOM_TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Reader pages: this origin only, no inline script or style, no plugins, no
# framing. The admin adds a nonce for its editor's import map and inline
# styles; media Django serves gets "default-src 'none'"
# (articles.delivery.middleware.ContentSecurityPolicyMiddleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:", *NEWSROOM_MEDIA_ORIGINS],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Editorial workflow -------------------------------------------------------

# The four-eyes rule: a moderator may not approve a story they wrote or submitted.
NEWSROOM_ALLOW_SELF_APPROVAL = env.bool("NEWSROOM_ALLOW_SELF_APPROVAL", default=False)
NEWSROOM_PREVIEW_LINK_HOURS = env.int("NEWSROOM_PREVIEW_LINK_HOURS", default=48)

# --- Limits on what an editor sends -----------------------------------------------
# Checked before any costly work (sanitising, diffing), so every admin request
# answers quickly; each one is named in its field's help text.

NEWSROOM_MAX_TAGS = env.int("NEWSROOM_MAX_TAGS", default=50)
NEWSROOM_BODY_MAX_BYTES = env.int("NEWSROOM_BODY_MAX_BYTES", default=1024 * 1024)
NEWSROOM_BODY_MAX_DEPTH = env.int("NEWSROOM_BODY_MAX_DEPTH", default=100)
# Form posts (not file uploads, which stream to disk) up to this size are read,
# so a body over its own limit comes back in the form with the error instead of
# a bare "Bad Request"; larger posts get the friendly 400 page.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int(
    "NEWSROOM_FORM_MAX_BYTES", default=16 * 1024 * 1024
)

# --- Uploads ------------------------------------------------------------------

NEWSROOM_IMAGE_MAX_UPLOAD_BYTES = env.int(
    "NEWSROOM_IMAGE_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024
)
NEWSROOM_IMAGE_MAX_PIXELS = env.int("NEWSROOM_IMAGE_MAX_PIXELS", default=60_000_000)
NEWSROOM_IMAGE_MAX_FRAMES = env.int("NEWSROOM_IMAGE_MAX_FRAMES", default=200)
# Every uploaded file goes through this handler, which stops storing a file
# once it passes NEWSROOM_IMAGE_MAX_UPLOAD_BYTES (the body is never buffered).
FILE_UPLOAD_HANDLERS = ["articles.photos.uploadhandlers.SizeLimitedUploadHandler"]

# --- API ----------------------------------------------------------------------

# Read-only and anonymous: no authentication class means no session or CSRF
# cookie and no "Vary: Cookie", so the reader page cache serves the API too.
# The browsable HTML API exists only in development (add ?format=api).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["articles.api.rendering.HTMLSafeJSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "articles.api.rendering.URLFormatNegotiation",
    "DEFAULT_PAGINATION_CLASS": "articles.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "Read-only JSON API of the stories readers can see on the website, "
        "with their sections, tags and authors. No authentication; "
        "lists are paginated (page, page_size up to 100)."
    ),
    "SERVERS": [{"url": SITE_URL}],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- E-mail -------------------------------------------------------------------

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@localhost")

# --- Logging ------------------------------------------------------------------

# One JSON object per line in production (LOG_FORMAT=json): CR, LF and quotes
# in logged values are escaped, so user input cannot forge log lines.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'text'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": JSON_FORMATTER,
        "text": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Workflow transitions (who approved what) are recorded at INFO.
        "articles": {"level": "INFO"},
        # Failed and throttled logins are WARNINGs; skip axes' start-up banner.
        "axes.apps": {"level": "WARNING"},
    },
}
