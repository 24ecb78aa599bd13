"""Production set-up: the settings a deployment gets from its environment pass
Django's deployment checklist, gunicorn serves the app, logs are one JSON
object per line, static files are cached for long, uploads can go to S3."""

import gc
import io
import json
import logging
import multiprocessing
import os
import runpy
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.editorial import workflow
from articles.models import Article
from tests.factories import make_article

ROOT = Path(__file__).resolve().parent.parent
# Variables the test settings or the developer's shell may set; each scenario
# below states its own.
SCENARIO_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "NEWSROOM_HTTPS",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "LOG_FORMAT",
    "CSRF_TRUSTED_ORIGINS",
    "DJANGO_SETTINGS_MODULE",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_CUSTOM_DOMAIN",
    "NEWSROOM_MEDIA_ORIGINS",
    "NEWSROOM_TRUSTED_PROXY_COUNT",
    "SECURE_HSTS_SECONDS",
    "WEB_CONCURRENCY",
    "PORT",
    "HOST",
    "MEDIA_URL",
    # Set by the browser tests' fixtures; a deployment never sets it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(**overrides) -> dict:
    """The environment a production deployment sets, with a strong dummy secret."""
    env = {k: v for k, v in os.environ.items() if k not in SCENARIO_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="news.example.com",
        SITE_URL="https://news.example.com",
        CSRF_TRUSTED_ORIGINS="https://news.example.com",
    )
    env.update(overrides)
    return env


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(**overrides) -> dict:
    """Selected settings as newsroom/settings.py computes them in a fresh process."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({name: getattr(s, name, None) for name in ["
        "'DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_SECURE', "
        "'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_HTTPONLY', "
        "'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY', 'SECURE_PROXY_SSL_HEADER', "
        "'SECURE_CROSS_ORIGIN_OPENER_POLICY', 'LOG_FORMAT', 'STORAGES', "
        "'CONTENT_SECURITY_POLICY', 'AXES_FAILURE_LIMIT', 'AXES_LOCKOUT_PARAMETERS', "
        "'AUTHENTICATION_BACKENDS']}, default=str))"
    )
    result = run_python(code, production_env(**overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_nothing_for_production_settings():
    """`manage.py check --deploy --fail-level WARNING` exits 0, as CI runs it."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_runs_clean_in_process_with_production_values(
    settings, monkeypatch
):
    """The same checklist through call_command, on the settings that matter."""
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.ALLOWED_HOSTS = ["news.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    call_command("check", deploy=True, fail_level="WARNING")


def test_production_settings_assume_https_and_harden_cookies_and_headers():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    for flag in (
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
    ):
        assert values[flag] is True, flag
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # no proxy trusted by default
    assert values["LOG_FORMAT"] == "json"
    assert values["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert values["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in json.dumps(directives)


def test_behind_a_proxy_the_forwarded_scheme_is_trusted():
    values = production_settings(NEWSROOM_TRUSTED_PROXY_COUNT="1")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize("entry_point", ["newsroom.wsgi", "newsroom.asgi"])
def test_the_servers_refuse_to_start_without_a_secret_key(entry_point):
    env = production_env()
    del env["SECRET_KEY"]
    result = run_python(f"import {entry_point}", env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_deployment_check_refuses_a_missing_secret_key():
    """`make serve` starts with check --deploy, which stops here."""
    env = production_env()
    del env["SECRET_KEY"]
    result = run_python(
        "import django; django.setup(); "
        "from django.core.management import call_command; "
        "call_command('check', deploy=True)",
        env,
    )
    assert result.returncode != 0
    assert "newsroom.E001" in result.stderr
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_schema_commands_work_in_a_bare_checkout_without_a_secret_key():
    """Comparing models and migrations needs no key and no DEBUG."""
    env = production_env()
    del env["SECRET_KEY"]
    env.pop("DEBUG", None)
    result = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "No changes detected" in result.stdout


def test_uploads_go_to_s3_compatible_storage_when_a_bucket_is_configured():
    values = production_settings(
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_ENDPOINT_URL="https://s3.eu-central.example.net",
        AWS_S3_CUSTOM_DOMAIN="media.news.example.com",
    )
    default = values["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "newsroom-media"
    assert default["OPTIONS"]["endpoint_url"] == "https://s3.eu-central.example.net"
    assert default["OPTIONS"]["querystring_auth"] is False
    img_src = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert "https://media.news.example.com" in img_src


def test_s3_storage_builds_public_urls_on_the_media_domain():
    from storages.backends.s3 import S3Storage

    storage = S3Storage(
        bucket_name="newsroom-media",
        custom_domain="media.news.example.com",
        querystring_auth=False,
        access_key="dummy",
        secret_key="dummy",  # noqa: S106
    )
    url = storage.url("images/2026/05/abc.jpg")
    assert url == "https://media.news.example.com/images/2026/05/abc.jpg"


def test_without_a_bucket_uploads_stay_on_the_local_file_system():
    values = production_settings()
    assert (
        values["STORAGES"]["default"]["BACKEND"]
        == "django.core.files.storage.FileSystemStorage"
    )


# --- gunicorn ---------------------------------------------------------------------


def gunicorn_config(monkeypatch, cpus=4, **env) -> dict:
    for name in SCENARIO_VARIABLES | {"GUNICORN_TIMEOUT"}:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(multiprocessing, "cpu_count", lambda: cpus)
    return runpy.run_path(str(ROOT / "newsroom" / "gunicorn.conf.py"))


def test_gunicorn_runs_two_workers_per_cpu_plus_one(monkeypatch):
    assert gunicorn_config(monkeypatch, cpus=4)["workers"] == 9
    assert gunicorn_config(monkeypatch, cpus=64)["workers"] == 12
    assert gunicorn_config(monkeypatch, cpus=64, WEB_CONCURRENCY="3")["workers"] == 3


def test_gunicorn_freezes_the_preloaded_app_out_of_the_collectors_reach(monkeypatch):
    """Before the workers fork, the objects the app was loaded with are moved
    to the collector's permanent generation, so requests never rescan them."""
    config = gunicorn_config(monkeypatch)
    assert config["preload_app"] is True
    gc.unfreeze()
    try:
        config["when_ready"](None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_gunicorn_config_times_out_logs_to_stdout_and_binds_from_the_environment(
    monkeypatch,
):
    config = gunicorn_config(monkeypatch, HOST="0.0.0.0", PORT="8080")  # noqa: S104
    assert config["bind"] == "0.0.0.0:8080"
    assert config["timeout"] == 30 and config["graceful_timeout"] == 30
    assert config["accesslog"] == "-"
    assert config["wsgi_app"] == "newsroom.wsgi:application"
    access = config["logconfig_dict"]["handlers"]["access"]
    assert access["stream"] == "ext://sys.stdout" and access["formatter"] == "json"
    assert gunicorn_config(monkeypatch)["bind"] == "127.0.0.1:8000"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local)
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_gunicorn_serves_the_app_with_production_settings(tmp_path):
    """What `make serve` runs: gunicorn with newsroom/gunicorn.conf.py, DEBUG
    off; /healthz answers and the access log is JSON on stdout."""
    port = free_port()
    env = production_env(
        NEWSROOM_HTTPS="0",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    env.pop("REDIS_URL", None)
    out, err = open(tmp_path / "out", "w+"), open(tmp_path / "err", "w+")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config",
            "newsroom/gunicorn.conf.py",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=err,
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz") == 200
        foreign = urllib.request.Request(  # noqa: S310
            f"http://127.0.0.1:{port}/healthz", headers={"Host": "evil.example"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(foreign, timeout=5)  # noqa: S310
        assert refused.value.code == 400
        oversized = urllib.request.Request(  # noqa: S310
            f"http://127.0.0.1:{port}/healthz", headers={"X-Padding": "x" * 10_000}
        )
        with pytest.raises(urllib.error.HTTPError) as too_big:
            urllib.request.urlopen(oversized, timeout=5)  # noqa: S310
        assert too_big.value.code in (400, 431)
    finally:
        server.terminate()
        server.wait(timeout=30)
    out.seek(0)
    access_lines = [line for line in out.read().splitlines() if line.strip()]
    assert access_lines, err.seek(0) or err.read()
    entries = [json.loads(line) for line in access_lines]
    assert any("GET /healthz" in entry["message"] for entry in entries)
    assert all(entry["logger"] == "gunicorn.access" for entry in entries)


# --- Static files --------------------------------------------------------------------


def test_collected_static_files_are_cached_for_a_year_and_immutable(settings, tmp_path):
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        },
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    response = Client().get(f"/static/{hashed}")  # a new handler sees the new root
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "immutable" in cache_control and "public" in cache_control
    max_age = int(cache_control.split("max-age=")[1].split(",")[0])
    assert max_age >= 31_536_000


# --- Logs ------------------------------------------------------------------------------


def configured_formatter() -> logging.Formatter:
    """The formatter of the console handler settings.LOGGING installed."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    return handler.formatter


@pytest.fixture
def json_log(settings):
    """Log records of the ``articles`` logger, as the production formatter writes them."""
    assert settings.LOG_FORMAT == "json"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configured_formatter())
    logger = logging.getLogger("articles")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_workflow_actions_are_logged_at_info_as_one_json_object_per_line(
    json_log, moderator
):
    """Who approved what, in a form log collectors parse without guessing."""
    story = make_article(
        headline="Approved \r\nFAKE log line", status=Article.Status.IN_REVIEW
    )
    workflow.approve(
        article=story, user=moderator, revision_id=story.latest_revision_id
    )
    entries = [json.loads(line) for line in json_log.getvalue().splitlines()]
    approvals = [entry for entry in entries if "workflow approved" in entry["message"]]
    assert len(approvals) == 1
    assert approvals[0]["level"] == "INFO"
    assert approvals[0]["logger"] == "articles.editorial.workflow"
    assert f"story={story.pk}" in approvals[0]["message"]
    assert "by=moderator" in approvals[0]["message"]


def test_user_controlled_values_cannot_forge_log_lines(json_log):
    """CR/LF in a logged value stay inside one JSON string (CVE-2025-48432)."""
    headline = 'Frigate "launched"\r\n{"level": "INFO", "message": "FAKE"}'
    logging.getLogger("articles.editorial.workflow").warning(
        "story headline: %s", headline
    )
    lines = json_log.getvalue().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["message"] == f"story headline: {headline}"


@pytest.mark.django_db
def test_a_request_path_with_crlf_is_logged_on_one_line(client, settings):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configured_formatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/no-such-page%0D%0AFAKE-ENTRY/")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["level"] == "WARNING"


def test_debug_off_error_pages_show_no_traceback(monkeypatch, settings, db):
    from articles.reader import views

    def explode(self, **kwargs):
        raise RuntimeError("secret-internal-detail")

    monkeypatch.setattr(views.HomeView, "get_context_data", explode)
    client = Client(raise_request_exception=False)
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "secret-internal-detail" not in page and "Traceback" not in page
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert "SECRET_KEY" not in not_found.content.decode()
    assert reverse("healthz") == "/healthz"


def test_the_400_page_renders_before_static_files_are_collected(
    settings, client, tmp_path
):
    """A refused request (here a Host not allowed) gets the plain 400 page
    even where the static manifest is missing, as on a fresh server."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        },
    }
    settings.STATIC_ROOT = str(tmp_path)  # collected nothing: no manifest
    response = client.get("/healthz", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
