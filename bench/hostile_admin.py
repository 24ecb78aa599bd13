"""`make bench`, second part: the worst inputs an editor can post to the admin.

Starts the production server as bench/run.py does (gunicorn with
``newsroom/gunicorn.conf.py``, DEBUG off, plain HTTP on 127.0.0.1) on its own
throwaway SQLite database under bench/results/hostile-admin/, logs in to
/admin/ over real HTTP (CSRF token from the login page, session cookie) and
posts, each timed: stories with 10 000 and 20 000 tags; bodies of 50 000 and
100 000 nested <div> and 60 000 nested <blockquote>; a 10 MiB body; a one-word
edit of a 20 000-word story and the comparison of its two revisions; a
10 × 20 000 px PNG; a protocol-relative link in a body; photo source URLs
pointing at ftp://, loopback and the cloud metadata address.

One line per request: input, HTTP status, seconds, whether the connection
dropped, and what the admin made of it. The project's limit is that every
admin request answers within 2 s or is refused with a clear 4xx or form
error, never a 500: the script exits 1 if any answer is a 5xx, a dropped
connection or slower than that.

Run alone: ``.venv/bin/python bench/hostile_admin.py``.
Environment: BENCH_HOSTILE_PORT (8819), BENCH_HOSTILE_LIMIT_SECONDS (2).
"""

import http.client
import io
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from PIL import Image

# bench/run.py sits beside this file (sys.path[0] when run as a script); its
# module level only reads the environment, so importing it starts nothing.
from run import PYTHON, RESULTS, ROOT, manage, server_env

PORT = int(os.environ.get("BENCH_HOSTILE_PORT", "8819"))
LIMIT_SECONDS = float(os.environ.get("BENCH_HOSTILE_LIMIT_SECONDS", "2"))
# Longer than gunicorn's 30 s worker timeout, so a request the server gives up
# on shows as a dropped connection rather than as this client's timeout.
REQUEST_TIMEOUT = 60
WORK = RESULTS / "hostile-admin"
SERVER_LOG = WORK / "server.log"
USERNAME = "hostile-bench"
PASSWORD = "hostile-bench-password-4e1f"  # noqa: S105 (throwaway local account)
BASE = f"http://127.0.0.1:{PORT}"

SETUP = f"""
from django.contrib.auth import get_user_model
from articles.models import Author, Section
get_user_model().objects.create_superuser(
    {USERNAME!r}, "hostile-bench@example.invalid", {PASSWORD!r})
section = Section.objects.create(name="Bench desk", slug="bench-desk")
author = Author.objects.create(name="Bench Reporter", slug="bench-reporter")
print("IDS", section.pk, author.pk)
"""

VOCABULARY = (
    "the navy said its new frigate would join the fleet next spring after sea "
    "trials in the channel where radar and missile systems were tested against "
    "drones and fast boats while the shipyard reported delays in delivery of "
    "engines from suppliers abroad and ministers promised more money"
).split()


# --- HTTP ----------------------------------------------------------------------


@dataclass
class Answer:
    label: str
    status: int | None
    seconds: float
    dropped: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def failures(self) -> list[str]:
        reasons = []
        if self.dropped:
            reasons.append(f"connection dropped ({self.dropped})")
        elif self.status is not None and self.status >= 500:
            reasons.append(f"HTTP {self.status}")
        if self.seconds > LIMIT_SECONDS:
            reasons.append(f"slower than {LIMIT_SECONDS:g} s")
        return reasons

    def outcome(self) -> str:
        """What the admin made of the request, as an editor would see it."""
        if self.status is None:
            return "no answer"
        if self.dropped:
            return f"answered {self.status} before closing the connection mid-request"
        if self.status in (301, 302, 303):
            return f"saved → {self.headers.get('location', '?')}"
        if self.status == 200 and 'class="errornote"' in self.text:
            return f"form error: {first_error(self.text)}"
        if self.status >= 500:
            return f"server error: {plain_text(self.text)[:70]}"
        if self.status >= 400:
            return f"refused: {plain_text(self.text)[:90]}"
        return "answered"


def first_error(page: str) -> str:
    match = re.search(r'<ul class="errorlist[^"]*"[^>]*>\s*<li>(.*?)</li>', page, re.S)
    return plain_text(match.group(1))[:90] if match else "(no field error shown)"


def plain_text(markup: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", markup)).split())


class Browser:
    """One editor's session: cookies kept, no redirect followed, every request
    on a fresh connection to 127.0.0.1 and timed until its body is read."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.answers: list[Answer] = []

    def request(
        self,
        label: str,
        method: str,
        path: str,
        body: bytes = b"",
        content_type: str = "",
        *,
        record: bool = True,
    ) -> Answer:
        headers = {"Origin": BASE, "Referer": BASE + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection(
            "127.0.0.1", PORT, timeout=REQUEST_TIMEOUT
        )
        started, dropped = time.perf_counter(), ""
        try:
            try:
                connection.request(method, path, body=body or None, headers=headers)
            except ConnectionError as error:
                # The server closed while the body was still being sent; it
                # may have answered first, and that answer is still worth reading.
                dropped = type(error).__name__
            response = connection.getresponse()
            content = response.read()
            answer = Answer(
                label,
                response.status,
                time.perf_counter() - started,
                dropped=dropped,
                body=content,
                headers={k.lower(): v for k, v in response.getheaders()},
            )
            self.keep_cookies(response.headers.get_all("Set-Cookie") or [])
        except TimeoutError:
            answer = Answer(
                label,
                None,
                time.perf_counter() - started,
                dropped=f"no answer within {REQUEST_TIMEOUT} s",
            )
        except (http.client.HTTPException, ConnectionError) as error:
            answer = Answer(
                label,
                None,
                time.perf_counter() - started,
                dropped=dropped or type(error).__name__,
            )
        finally:
            connection.close()
        if record:
            self.answers.append(answer)
            report(answer)
        return answer

    def keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def get(self, label: str, path: str, *, record: bool = True) -> Answer:
        return self.request(label, "GET", path, record=record)

    def post(
        self, label: str, path: str, fields: dict, *, record: bool = True
    ) -> Answer:
        body = urlencode(fields).encode()
        return self.request(
            label,
            "POST",
            path,
            body,
            "application/x-www-form-urlencoded",
            record=record,
        )

    def post_multipart(
        self,
        label: str,
        path: str,
        fields: dict,
        files: dict[str, tuple[str, bytes, str]],
    ) -> Answer:
        boundary = f"----hostile-admin-{random.getrandbits(64):016x}"
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                f"\r\n\r\n{value}\r\n".encode()
            )
        for name, (filename, content, mime) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            label,
            "POST",
            path,
            b"".join(parts),
            f"multipart/form-data; boundary={boundary}",
        )


def report(answer: Answer) -> None:
    status = answer.status if answer.status is not None else "-"
    dropped = f"yes ({answer.dropped})" if answer.dropped else "no"
    verdict = "FAIL" if answer.failures() else "ok"
    print(
        f"{verdict:4} {answer.label:52} {status!s:>4} {answer.seconds:7.2f} s  "
        f"dropped: {dropped:4}  {answer.outcome()}",
        flush=True,
    )


class FormFields(HTMLParser):
    """The values a browser would submit from the form with ``form_id``."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str] = {}
        self.textarea: str | None = None
        self.select: str | None = None
        self.first_option = ""
        self.chosen: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields[attrs["name"]] = attrs.get(
                "value", "on" if kind == "checkbox" else ""
            )
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""
        elif tag == "select":
            self.select, self.first_option, self.chosen = attrs["name"], "", None
        elif tag == "option" and self.select:
            if not self.first_option:
                self.first_option = attrs.get("value", "")
            if "selected" in attrs:
                self.chosen = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            # HTML drops the newline right after <textarea>, as Django writes it.
            value = self.fields[self.textarea]
            self.fields[self.textarea] = value.removeprefix("\r\n").removeprefix("\n")
            self.textarea = None
        elif tag == "select" and self.select:
            self.fields[self.select] = (
                self.chosen if self.chosen is not None else self.first_option
            )
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


def form_fields(page: str, form_id: str) -> dict[str, str]:
    parser = FormFields(form_id)
    parser.feed(page)
    return parser.fields


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


# --- The server ----------------------------------------------------------------


def port_is_open() -> bool:
    with suppress(OSError), socket.create_connection(("127.0.0.1", PORT), timeout=1):
        return True
    return False


def prepare() -> tuple[dict, int, int]:
    """A fresh database (migrated, one superuser, a section, an author) and media."""
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    env = server_env(f"sqlite:///{WORK / 'db.sqlite3'}", page_cache_seconds=0)
    env.update(
        PORT=str(PORT),
        SITE_URL=BASE,
        MEDIA_ROOT=str(WORK / "media"),
        CACHE_DIR=str(WORK / "cache"),
        # Workers stuck in a hostile request are killed soon after SIGTERM.
        GUNICORN_GRACEFUL_TIMEOUT="3",
    )
    env.pop("REDIS_URL", None)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    ids = manage(env, "shell", "-c", SETUP).split("IDS", 1)[1].split()
    return env, int(ids[0]), int(ids[1])


@contextmanager
def production_server(env: dict) -> Iterator[subprocess.Popen]:
    """gunicorn as `make serve` runs it, in its own process group so that it
    and its workers are stopped whatever happens to this script."""
    if port_is_open():
        sys.exit(f"127.0.0.1:{PORT} is already in use; set BENCH_HOSTILE_PORT.")
    with SERVER_LOG.open("ab") as log:
        process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "newsroom/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 30
            while not port_is_open():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: see {SERVER_LOG}")
                time.sleep(0.1)
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    # Any worker left behind is in the group started above, and only there.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


# --- The inputs ----------------------------------------------------------------


@dataclass
class Desk:
    browser: Browser
    section: int
    author: int
    token: str = ""
    stories: int = 0

    def story(self, **overrides) -> dict:
        """The story form's fields, as tests/test_admin_workflow.py posts them."""
        self.stories += 1
        data = {
            "csrfmiddlewaretoken": self.token,
            "headline": f"Hostile input {self.stories}",
            "slug": f"hostile-input-{self.stories}",
            "standfirst": "A story built to be as hard on the admin as possible.",
            "body": "<p>Welcome aboard.</p>",
            "section": self.section,
            "tags": "minehunters, navy",
            "dateline": "Portsmouth",
            "source": "",
            "lead_image": "",
            "lead_image_caption": "",
            "base_revision": "",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-MIN_NUM_FORMS": "1",
            "bylines-MAX_NUM_FORMS": "1000",
            "bylines-0-author": self.author,
            "bylines-0-order": "0",
            # "Save and continue editing": the answer names the new story.
            "_continue": "1",
        }
        data.update(overrides)
        return data

    def add_story(self, label: str, **overrides) -> Answer:
        return self.browser.post(
            label, "/admin/articles/article/add/", self.story(**overrides)
        )

    def add_photo(self, label: str, content: bytes, filename: str, **fields) -> Answer:
        data = {
            "csrfmiddlewaretoken": self.token,
            "title": label[:200],
            "alt_text": "A test pattern",
            "caption": "",
            "credit": "Bench",
            "licence": "",
            "source_url": "",
            "tags": "",
            "_continue": "1",
        }
        data.update(fields)
        return self.browser.post_multipart(
            label,
            "/admin/articles/image/add/",
            data,
            {"file": (filename, content, "image/png")},
        )


def nested(tag: str, depth: int) -> str:
    return f"<{tag}>" * depth + "<p>deep</p>" + f"</{tag}>" * depth


def words(count: int, seed: int = 1) -> list[str]:
    chooser = random.Random(seed)
    return [chooser.choice(VOCABULARY) for _ in range(count)]


def paragraphs(text: list[str], size: int = 100) -> str:
    return "".join(
        f"<p>{' '.join(text[i : i + size])}</p>" for i in range(0, len(text), size)
    )


def png(width: int, height: int, seed: int) -> bytes:
    """A PNG of a pattern unique to ``seed``, so no upload is a duplicate."""
    image = Image.new("RGB", (width, height), (seed * 37 % 256, seed * 91 % 256, 120))
    image.putpixel((0, 0), (seed % 256, 0, 0))
    for y in range(0, height, 97):
        image.paste((255, 255, 255), (0, y, width, min(y + 3, height)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def story_path(answer: Answer) -> str | None:
    """The change page of the story a "Save and continue" created or kept."""
    location = urlsplit(answer.headers.get("location", "")).path
    return (
        location
        if re.fullmatch(r"/admin/articles/article/\d+/change/", location)
        else None
    )


def login(browser: Browser) -> None:
    page = browser.get("login page", "/admin/login/?next=/admin/", record=False)
    answer = browser.post(
        "log in",
        "/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": csrf_token(page.text),
            "username": USERNAME,
            "password": PASSWORD,
            "next": "/admin/",
        },
        record=False,
    )
    if answer.status != 302 or "sessionid" not in browser.cookies:
        raise RuntimeError(
            f"logging in failed: HTTP {answer.status} {answer.outcome()}"
        )


def tags(desk: Desk) -> None:
    for count in (10_000, 20_000):
        names = ", ".join(f"tag {number:05d}" for number in range(count))
        desk.add_story(f"story with {count:,} tags".replace(",", " "), tags=names)


def nesting(desk: Desk) -> None:
    for tag, depth in (("div", 50_000), ("div", 100_000), ("blockquote", 60_000)):
        label = f"body of {depth:,} nested <{tag}>".replace(",", " ")
        desk.add_story(label, body=nested(tag, depth))


def huge_body(desk: Desk) -> None:
    """10 MiB is read and refused by the form; 40 MiB is past what the server
    reads of a form (16 MiB) and gets the 400 page, the connection intact."""
    block = paragraphs(words(2_000, seed=2))
    for mebibytes in (10, 40):
        size = mebibytes * 1024 * 1024
        body = block * (size // len(block) + 1)
        desk.add_story(f"{mebibytes} MiB body", body=body)


def one_word_edit(desk: Desk) -> None:
    text = words(20_000, seed=3)
    text[10_000] = "lighthouse"
    created = desk.add_story("20 000-word story: create", body=paragraphs(text))
    path = story_path(created)
    if path is None:
        print("     (the 20 000-word story was not created: no edit to make)")
        return
    form = desk.browser.get("20 000-word story: open the change form", path)
    fields = form_fields(form.text, "article_form")
    if "lighthouse" not in fields.get("body", ""):
        print("     (the change form did not show the story's body: no edit to make)")
        return
    fields["body"] = fields["body"].replace("lighthouse", "watchtower", 1)
    fields["_continue"] = "1"
    desk.browser.post("20 000-word story: change one word", path, fields)
    compare = path.replace("/change/", "/compare/")
    desk.browser.get("20 000-word story: compare the two revisions", compare)


def noisy_photo(width: int, height: int, seed: int, image_format: str, **options):
    """A photograph-like picture with detail everywhere (noise compresses as a
    real photo does not), unique to ``seed``, in ``image_format``."""
    noise = Image.effect_noise((width // 4, height // 4), 64).convert("RGB")
    image = noise.resize((width, height), Image.Resampling.BILINEAR)
    image.putpixel((0, 0), (seed % 256, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def tall_photo(desk: Desk) -> None:
    desk.add_photo("photo of 10 × 20 000 px (PNG)", png(10, 20_000, seed=1), "tall.png")
    for seed, (width, height) in enumerate(((6000, 4000), (9000, 6600)), start=9):
        desk.add_photo(
            f"camera photo of {width} × {height} px (JPEG)",
            noisy_photo(width, height, seed, "JPEG", quality=90),
            "camera.jpg",
        )
    desk.add_photo(
        "photographic PNG of 4600 × 3800 px (20 MB)",
        noisy_photo(4600, 3800, 12, "PNG", compress_level=1),
        "handout.png",
    )


def links(desk: Desk) -> None:
    body = '<p>See <a href="//evil.example/">this page</a>.</p>'
    answer = desk.add_story('body with <a href="//evil.example/">', body=body)
    if path := story_path(answer):
        page = desk.browser.get("  its change form (is the link kept?)", path)
        kept = "evil.example" in form_fields(page.text, "article_form").get("body", "")
        print(
            f"     (stored body {'keeps' if kept else 'dropped'} the //evil.example link)"
        )
    for seed, url in enumerate(
        ("ftp://x", "http://127.0.0.1/", "http://169.254.169.254/"), start=2
    ):
        desk.add_photo(
            f"photo with source_url {url}",
            png(640, 400, seed),
            "photo.png",
            source_url=url,
        )


CASES: list[Callable[[Desk], None]] = [
    tags,
    nesting,
    huge_body,
    one_word_edit,
    tall_photo,
    links,
]


def main() -> int:
    print(
        f"Hostile admin inputs (limit {LIMIT_SECONDS:g} s, no 5xx, no dropped "
        f"connection), gunicorn on 127.0.0.1:{PORT}",
        flush=True,
    )
    env, section, author = prepare()
    browser = Browser()
    with production_server(env):
        login(browser)
        page = browser.get(
            "story add form", "/admin/articles/article/add/", record=False
        )
        desk = Desk(browser, section, author, token=csrf_token(page.text))
        for case in CASES:
            case(desk)
    answers = browser.answers
    slowest = max(answers, key=lambda answer: answer.seconds)
    print(f"slowest: {slowest.label} {slowest.seconds:.2f} s")
    failed = [answer for answer in answers if answer.failures()]
    if failed:
        print(
            f"{len(failed)} of {len(answers)} requests broke the limits; "
            f"server log: {SERVER_LOG.relative_to(ROOT)}"
        )
        for answer in failed:
            print(f"  {answer.label}: {', '.join(answer.failures())}")
        return 1
    print(f"All {len(answers)} requests answered within the limits.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
