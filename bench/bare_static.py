"""The floor of bench/cpu.py: whitenoise in front of a WSGI callable that
answers 404, no Django, serving the collected static files at the URLs Newsroom
serves them at. Run by gunicorn with newsroom/gunicorn.conf.py, as Newsroom is.
"""

from pathlib import Path

from whitenoise import WhiteNoise

STATIC_ROOT = Path(__file__).resolve().parent.parent / "staticfiles"


def not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"Not found"]


# Newsroom's WHITENOISE_MAX_AGE (DEBUG off), so both answer with the same
# Cache-Control header.
application = WhiteNoise(not_found, root=STATIC_ROOT, prefix="/static/", max_age=3600)
