"""Browser fixtures: Debian's Chromium driven by Playwright against the live server.

The live server runs in this process (threads), so ``time_machine`` moves its
clock too, and the ORM may be used from the test while Playwright's sync API
holds an event loop: Django's async-safety check is switched off for that.
"""

import os
import re
from pathlib import Path

import pytest
from django.test import override_settings

from tests.conftest import require_service

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium"))
ARTEFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 15_000
PASSWORD = "pw-Secret-123"  # what tests.factories.make_user sets


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless; skipped (failed in CI) when it is missing."""
    if not CHROMIUM.exists():
        require_service(
            "Chromium",
            f"no Chromium at {CHROMIUM}: `apt-get install chromium` "
            "(or set NEWSROOM_CHROMIUM) to run the browser tests",
        )
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and
    # from then on Django looks connections up per context, not per thread:
    # keep using the test database connections opened so far (which hold what
    # serialized_rollback restores).
    opened = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in opened.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def plain_http():
    """The live server speaks plain HTTP: settings as for a local trial with
    NEWSROOM_HTTPS=0, in place before the server loads its middleware."""
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
    ):
        yield


@pytest.fixture(scope="package")
def live_server(plain_http, live_server):
    """pytest-django's live server, started over plain HTTP."""
    return live_server


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def artefact_folder(request) -> Path:
    folder = ARTEFACTS / re.sub(r"[^\w.-]+", "-", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def new_context(browser, live_server, request):
    """Makes browser contexts (one per person: separate cookies) on the live server.

    A script error on any page, or a script the CSP blocked, fails the test:
    the admin's editor and autocompletes depend on their scripts running.
    """
    contexts, script_errors = [], []

    def make(**options):
        options = {"viewport": VIEWPORT, "locale": "en-GB", **options}
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on(
            "weberror",
            lambda error: script_errors.append(f"{error.page.url}: {error.error}"),
        )
        context.on(
            "console", lambda message: note_console_error(message, script_errors)
        )
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        folder = artefact_folder(request)
        pages = [page for context in contexts for page in context.pages]
        for number, page in enumerate(pages, start=1):
            page.screenshot(
                path=str(folder / f"failed-page-{number}.png"), full_page=True
            )
    for context in contexts:
        context.close()
    if script_errors:
        pytest.fail("Script errors in the browser:\n" + "\n".join(script_errors))


def note_console_error(message, script_errors: list[str]) -> None:
    """Console errors except failed loads, which the page assertions cover
    (a 404 page logs its own status, and Chromium asks for /favicon.ico)."""
    if message.type == "error" and not message.text.startswith(
        "Failed to load resource"
    ):
        script_errors.append(f"{message.page.url}: {message.text}")


@pytest.fixture
def screenshot(request):
    """Saves a full-page screenshot per step under test-artifacts/e2e/<test>/."""
    folder = artefact_folder(request)
    for old in folder.glob("*.png"):
        old.unlink()
    steps = iter(range(1, 100))

    def shoot(page, step: str) -> Path:
        path = folder / f"{next(steps):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


@pytest.fixture
def log_in(new_context):
    """Logs a user in through the admin login form, in a browser context of their own."""

    def log_in_as(username: str):
        page = new_context().new_page()
        page.goto("/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/admin/")
        return page

    return log_in_as
