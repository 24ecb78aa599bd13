"""Gunicorn settings for ``make serve`` and production.

Every value can be changed from the environment, e.g.
``WEB_CONCURRENCY=4 PORT=8080 make serve``. Django itself is configured by
``newsroom/settings.py``; this file only shapes the worker processes.
"""

import gc
import multiprocessing
import os
import sys
from pathlib import Path

# Read before the app is loaded, from wherever gunicorn was started.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsroom.logformat import JSON_FORMATTER  # noqa: E402


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


wsgi_app = "newsroom.wsgi:application"
bind = f"{os.environ.get('HOST') or '127.0.0.1'}:{_env_int('PORT', 8000)}"

# (2 x CPUs) + 1 sync workers is gunicorn's rule of thumb; capped so a large
# machine does not open more database connections than PostgreSQL allows.
workers = _env_int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 12))
# A request that takes longer than this is killed and logged: reader pages are
# cached and admin saves take well under a second.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# On restart, requests in flight get this long to finish.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than a typical load balancer's idle timeout would cut connections it
# still considers open; shorter wastes connections.
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
# Recycling workers now and then bounds any slow memory growth.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
# Django and the app are imported once, before forking: faster starts, shared
# memory, and a broken configuration stops the master instead of every worker.
preload_app = True


def when_ready(server):
    """Move everything the preloaded app made (Django, the URLconf, settings,
    modules) out of the garbage collector's reach before the workers fork.

    Those objects live as long as the process; the collector scanned them
    again and again as requests allocated, about a tenth of an uncached page's
    time. Frozen, the forked workers also leave their memory pages shared
    with the master instead of writing collector bookkeeping into them.
    """
    gc.freeze()


# Worker heartbeats on a memory file system never stall on a slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (gunicorn heartbeat files)

# Oversized request lines and headers are refused (400, 431) before Django sees
# them (gunicorn's defaults, stated here because the threat model relies on them).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Access log on stdout, errors on stderr; one JSON object per line unless
# LOG_FORMAT=text, like the application's own log (newsroom/settings.py).
accesslog = "-"
errorlog = "-"
_json = (os.environ.get("LOG_FORMAT") or "json") == "json"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": JSON_FORMATTER,
        "text": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"},
    },
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "json" if _json else "text",
            "stream": "ext://sys.stdout",
        },
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "json" if _json else "text",
            "stream": "ext://sys.stderr",
        },
    },
    "loggers": {
        "gunicorn.access": {
            "level": "INFO",
            "handlers": ["access"],
            "propagate": False,
        },
        "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
    },
    "root": {"level": "INFO", "handlers": ["error"]},
}
