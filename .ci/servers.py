"""Real app servers for the multi-server checks: a fresh PostgreSQL database,
production settings, gunicorn processes (optionally with a moved clock) and
HTTP clients. Shared by ``two_servers.py`` and ``clock_skew.py``.

Needs DATABASE_URL (PostgreSQL) and REDIS_URL.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PASSWORD = "Staff-multi-server-check-2026"


def database_url(name: str) -> str:
    """A new, empty PostgreSQL database called ``name`` beside DATABASE_URL's."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point at PostgreSQL")
    parts = urllib.parse.urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin, "-qc", statement], check=True)
    return parts._replace(path=f"/{name}").geturl()


def environment(name: str) -> dict:
    """Production settings for servers sharing database ``name`` and Redis."""
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL must point at Redis")
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=f"{name}-check-only-8c1f0e2d4b6a8c0e2f4a6b8d0c2e4f6a8b0d2e4f",
        ALLOWED_HOSTS="127.0.0.1",
        NEWSROOM_HTTPS="0",
        DATABASE_URL=database_url(name),
        NEWSROOM_PAGE_CACHE_SECONDS="600",
        CACHE_KEY_PREFIX=f"{name}-{os.getpid()}",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="newsroom.settings",
    )
    return env


def with_clock(command: list[str], shift: str) -> list[str]:
    """``command`` run with its clock moved by ``shift`` ("+1d", "-1d") by
    libfaketime; the database's clock and everything else stay as they are."""
    return ["faketime", "-f", shift, *command] if shift else command


def manage(env: dict, *args: str, clock_shift: str = "") -> str:
    result = subprocess.run(
        with_clock([PYTHON, "manage.py", *args], clock_shift),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"manage.py {args[0]} failed: {result.stderr[-2000:]}")
    return result.stdout


def start(env: dict, port: int, *, clock_shift: str = "") -> subprocess.Popen:
    """A gunicorn server of two workers on ``port``. With a moved clock its
    worker timeout is off: gunicorn times its workers by the wall clock
    against file times the kernel writes, which a moved clock cannot match."""
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "newsroom.wsgi",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    if clock_shift:
        command += ["--timeout", "0"]
    process = subprocess.Popen(
        with_clock(command, clock_shift),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except OSError:  # not listening yet, or still starting up
            time.sleep(0.2)
    process.terminate()
    sys.exit(f"gunicorn on port {port} did not start")


def stop(servers: list[subprocess.Popen]) -> None:
    for server in servers:
        server.terminate()
        server.wait(timeout=20)


def get(port: int, path: str) -> tuple[int, str, dict]:
    """GET ``path`` (already quoted where it needs to be) from the server on ``port``."""
    url = f"http://127.0.0.1:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


class StaffBrowser:
    """A logged-in admin session on one server: cookies and CSRF tokens."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def form_token(self, path: str) -> str:
        page = self.opener.open(self.base + path, timeout=10).read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post(self, path: str, fields: dict) -> str:
        fields = {"csrfmiddlewaretoken": self.form_token(path), **fields}
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Referer": self.base + path, "Origin": self.base},
        )
        with self.opener.open(request, timeout=10) as response:
            return response.read().decode()

    def login(self, username: str) -> None:
        page = self.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": PASSWORD, "next": "/admin/"},
        )
        if "log out" not in page.lower():
            sys.exit(f"could not log in as {username}")
