"""Property tests of the admin: whatever anyone posts, never a 5xx, and a
refused post stores nothing (threats.md, "Ground rules"; STYLE.md, "Tests").

Hypothesis draws combinations of field values (empty, long, any Unicode with
controls, bidi overrides and NUL, markup and script, unknown and mismatched
ids, stale or foreign revisions, broken formset management forms, impossible
dates in several site time zones, random bytes and hostile metadata posing as
photos) and sends them as real HTTP requests to every admin add and change
form (story, photo, photo batch, section, author), every workflow page
(submit, approve, send back, withdraw, redraft, restore, share links, list
actions) and the read-only pages (compare, history, preview, review queue), as
a reporter, an editor, a moderator, a superuser and an anonymous visitor.

Every answer must be below 500, and so must the page a redirect leads to and
the preview of a story a post saved. A refused post (a 4xx, a form shown
again with errors, or a redirect to the login page or carrying an error or
warning message) must leave the tracked tables and the files under
MEDIA_ROOT exactly as they were; a GET must never store anything.

Each example runs in its own transaction, rolled back afterwards
(``hypothesis.extra.django.TestCase``), so every example starts from the
newsroom built once in ``setUpTestData``, with the caches emptied, at the same
moment. Runs are derandomized, so CI sees the same examples every time;
``NEWSROOM_HYPOTHESIS_EXAMPLES`` (default 50) raises the count for a longer
local search.
"""

import io
import logging
import operator
import os
import shutil
import tempfile
import traceback
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import time_machine
from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import (
    HealthCheck,
    Phase,
    currently_in_test_context,
    event,
    given,
    note,
    settings,
)
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from lxml import html as lxml_html
from PIL import Image as PILImage
from PIL import PngImagePlugin
from taggit.models import Tag

from articles.admin.workflow_views import ACTIONS
from articles.delivery import cache
from articles.editorial import workflow
from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    Image,
    PreviewLink,
    Revision,
    Section,
    StoryImage,
    TaggedArticle,
    WorkflowEvent,
)
from tests.factories import (
    image_bytes,
    make_article,
    make_author,
    make_image,
    make_section,
    make_user,
    place_photo,
)
from tests.payloads import sql_payloads, unicode_payloads, xss_payloads

logger = logging.getLogger(__name__)

Status = Article.Status

EXAMPLES = int(os.environ.get("NEWSROOM_HYPOTHESIS_EXAMPLES", "50"))
searching = settings(
    max_examples=EXAMPLES,
    # An accepted photo is decoded and rendered several times; the property is
    # about the answer, not its speed (threats.md §11 has its own tests).
    deadline=None,
    derandomize=True,
    # Derandomized runs replay themselves: no example database to keep.
    database=None,
    # Explaining a failure re-runs it hundreds of times (minutes per test).
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# Shrinking goes towards the first choice: the role that reaches most code.
ROLES = ("superuser", "editor", "moderator", "reporter", "anonymous")
# The site's time zone, in which the admin reads typed dates: one west of UTC
# (a date near 9999-12-31 is past the end of the calendar in UTC), one east of
# it (0001-01-01 is before its start), and two with daylight-saving changes.
ZONES = ("UTC", "America/New_York", "Asia/Tokyo", "Europe/London")
UNKNOWN_PK = 987_654
SITE_NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
TRACKED = (
    Article,
    Revision,
    Image,
    WorkflowEvent,
    Byline,
    StoryImage,
    PreviewLink,
    Correction,
    Section,
    Author,
    Tag,
    TaggedArticle,
)


# --- What may be drawn -------------------------------------------------------------

SHORT_PAYLOADS = sorted(
    {**xss_payloads(), **unicode_payloads(), **sql_payloads()}.values()
)
# Controls (NUL, vertical tab, ESC, C1), bidi overrides and isolates, zero-width
# and non-characters, mixed with the characters markup and tag lists care about.
AWKWARD = (
    "\x00\x01\x07\x08\t\x0b\x0c\r\n\x1b\x7f\x85\x9b\xa0\xad\u200b\u200d\u200e"
    "\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
    "\ufeff\ufffe\uffff"
    "a Zé海🚀<>&\"';,/\\%_-"
)
# Repeated to between a few hundred bytes and a few tens of KB.
LONG_PIECES = [
    "A",
    "é",
    "海",
    "🚀",
    "<b",
    "<b><i>",
    "</p>",
    "\u202e",
    "\x0b",
    "a,",
    "&amp;",
    "<p>x</p>",
    "<!--",
    "\U000e0041",
]
ODD_NUMBERS = [
    "0",
    "-0",
    "-1",
    "+1",
    " 1 ",
    "1.0",
    "1e3",
    "1abc",
    "0x1f",
    "١",
    "１",
    "1\x00",
    "9" * 30,
    "-" + "9" * 30,
    "NaN",
    "inf",
    "None",
    "null",
    "[]",
    "true",
]
# Counts past the formsets' limits build and render up to 2 000 empty forms
# (seconds each); one explicit example covers them instead.
MANAGEMENT_NUMBERS = [
    "",
    "0",
    "1",
    "2",
    "3",
    "-1",
    "40",
    "1.5",
    "two",
    " 2",
    "٢",
    "-" + "9" * 25,
]
ODD_DATES = (
    "2026-02-29 2026-13-01 2026-00-10 0000-01-01 0001-01-01 9999-12-31 "
    "10000-01-01 31/12/2026 12/31/2026 2026-1-1 today ٢٠٢٦-٠١-٠١ 2026-03-29 "
    "2026-10-25 2026-03-08 2026-11-01"
).split()
ODD_TIMES = (
    "00:00 23:59:59 24:00 23:60 12:00:00.9999999 -1:00 noon 01:30 02:30 1:2:3:4"
).split()
ODD_URLS = [
    "javascript:alert(1)",
    "http://[::1",
    "https://",
    "//evil.example",
    "http://例え.テスト/",
    "https://" + "a" * 600 + ".example",
    "data:text/html,<script>alert(1)</script>",
    "ftp://x.example/a",
]
ADMIN_BUTTONS = ["_save", "_continue", "_addanother", "_saveasnew"]
# Fields no form offers, which a hand-made POST may still send.
SMUGGLED = (
    "status publish_at first_published_at went_live_at live_revision "
    "latest_revision created_by content_hash uploaded_by renditions id pk"
).split()


def texts(max_size: int = 60) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=max_size),
        st.just(""),
        st.text(st.sampled_from(AWKWARD), max_size=max_size),
        st.sampled_from(SHORT_PAYLOADS),
        st.builds(operator.mul, st.sampled_from(LONG_PIECES), st.integers(100, 4000)),
    )


def tag_lists() -> st.SearchStrategy[str]:
    return st.one_of(
        texts(),
        st.lists(texts(30), max_size=8).map(", ".join),
        st.sampled_from(
            [
                '"a, b" c',
                '"',
                '""',
                ",,,",
                " , ",
                '"unclosed, x',
                "a" * 101,
                "€, EUR, eur, Eur",
                "\x00",
                "🚀, 🚀🚀",
            ]
        ),
    )


def numbers(*known) -> st.SearchStrategy[str]:
    """An id or count as typed into a form: a known one, or anything else."""
    return st.one_of(
        st.sampled_from(sorted({str(value) for value in known}))
        if known
        else st.nothing(),
        st.integers(-(2**70), 2**70).map(str),
        st.sampled_from(ODD_NUMBERS),
        texts(12),
    )


def dates() -> st.SearchStrategy[str]:
    return st.one_of(
        st.dates().map(str), st.just(""), st.sampled_from(ODD_DATES), texts(12)
    )


def times() -> st.SearchStrategy[str]:
    return st.one_of(
        st.times().map(str), st.just(""), st.sampled_from(ODD_TIMES), texts(8)
    )


def urls() -> st.SearchStrategy[str]:
    return st.one_of(
        st.just(""),
        st.sampled_from(ODD_URLS),
        texts(40).map(lambda text: "https://example.com/" + text),
        texts(40),
    )


def flags() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(["on", "", "off", "1", "0", "False"]), texts(8))


def management_numbers() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(MANAGEMENT_NUMBERS), st.integers(-3, 40).map(str))


MISSING = "<missing>"


@st.composite
def mutated(draw, base: dict, values: dict) -> dict:
    """``base`` (a form as a browser sends it) with a few fields replaced by
    hostile values, sent twice, or left out. Shrinks towards ``base``."""
    data = dict(base)
    keys = draw(st.lists(st.sampled_from(sorted(values)), unique=True, max_size=8))
    for key in keys:
        value = draw(
            st.one_of(
                values[key],
                st.just(MISSING),
                st.lists(values[key], min_size=2, max_size=3),
            )
        )
        if value == MISSING:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def formset_values(prefix: str, row_fields: dict, rows: int = 3) -> dict:
    """Values for an inline's management form and its first ``rows`` rows."""
    values = {
        f"{prefix}-{name}": management_numbers()
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
    }
    for index in range(rows):
        for name, strategy in row_fields.items():
            values[f"{prefix}-{index}-{name}"] = strategy
        values[f"{prefix}-{index}-DELETE"] = flags()
    return values


# --- Photos as uploaded ---------------------------------------------------------------

PICTURE_FORMATS = ["JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "ICO", "PPM"]
NOT_PICTURES = [
    b"",
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>',
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n",
    b"<html><body><script>alert('xss-probe')</script></body></html>",
    b"GIF89a" + b"\xff" * 16,
    b"\xff\xd8\xff\xe1\xff\xfeExif\x00\x00" + b"\x00" * 32,
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
]
FILE_NAMES = [
    "photo.jpg",
    "photo.png",
    "photo.gif",
    "photo.webp",
    "photo.jpeg",
    "photo.JPG",
    "photo",
    "photo.svg",
    "photo.eps",
    "photo.php.jpg",
    "../../photo.jpg",
    ".jpg",
    "photo.jpg.exe",
    "фото.jpg",
]
EXTENSIONS = [".jpg", ".png", ".gif", ".webp", "", ".svg", ".tif", ".html"]
CONTENT_TYPES = [
    "image/jpeg",
    "image/png",
    "image/gif",
    "text/html",
    "application/octet-stream",
    "image/svg+xml",
    "",
]


def pictures() -> st.SearchStrategy[bytes]:
    return st.builds(
        lambda size, color, image_format: image_bytes(
            size=size, color=color, image_format=image_format
        ),
        st.tuples(st.integers(1, 48), st.integers(1, 48)),
        st.tuples(*[st.integers(0, 255)] * 3),
        st.sampled_from(PICTURE_FORMATS),
    )


XMP_PACKET = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">'
    '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>'
    "<dc:subject><rdf:Bag>{keywords}</rdf:Bag></dc:subject>"
    "<photoshop:Credit>{credit}</photoshop:Credit>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def described_picture(
    title: str,
    keywords: list[str],
    credit: str,
    caption: str,
    image_format: str,
    escaped: bool,
) -> bytes:
    """A small photo whose EXIF and XMP carry the given (hostile) texts; XMP
    left unescaped is malformed XML, which must be ignored."""
    # A JPEG's XMP segment holds at most 64 KB.
    title, credit, caption = title[:2000], credit[:2000], caption[:2000]
    keywords = [word[:100] for word in keywords[:25]]
    quote = xml_escape if escaped else str
    xmp = XMP_PACKET.format(
        title=quote(title),
        credit=quote(credit),
        keywords="".join(f"<rdf:li>{quote(word)}</rdf:li>" for word in keywords),
    )
    exif = PILImage.Exif()
    exif[270], exif[315], exif[33432] = caption, credit, title
    buffer = io.BytesIO()
    picture = PILImage.new("RGB", (24, 16), (len(title) % 256, len(caption) % 256, 9))
    if image_format == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp)
        picture.save(buffer, format="PNG", pnginfo=info, exif=exif)
    else:
        picture.save(buffer, format=image_format, exif=exif, xmp=xmp.encode())
    return buffer.getvalue()


def file_contents() -> st.SearchStrategy[bytes]:
    return st.one_of(
        pictures(),
        st.builds(
            described_picture,
            texts(),
            st.lists(texts(30), max_size=25),
            texts(),
            texts(),
            st.sampled_from(["JPEG", "PNG", "WEBP"]),
            st.booleans(),
        ),
        st.builds(
            lambda data, keep: data[: int(len(data) * keep)],
            pictures(),
            st.floats(0, 0.99),
        ),
        st.binary(max_size=2048),
        st.builds(operator.add, pictures(), st.sampled_from(NOT_PICTURES[1:4])),
        st.sampled_from(NOT_PICTURES),
    )


def file_names() -> st.SearchStrategy[str]:
    # A part whose name is empty, "." or ".." is no file at all to Django (and
    # SimpleUploadedFile cannot be built with one).
    return st.one_of(
        st.sampled_from(FILE_NAMES),
        st.builds(operator.add, texts(40), st.sampled_from(EXTENSIONS)),
    ).filter(lambda name: os.path.basename(name) not in ("", ".", ".."))


def uploads() -> st.SearchStrategy[SimpleUploadedFile]:
    return st.builds(
        SimpleUploadedFile,
        file_names(),
        file_contents(),
        st.sampled_from(CONTENT_TYPES),
    )


# --- The oracle ------------------------------------------------------------------------


def media_files() -> list[str]:
    root = Path(django_settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(
        str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()
    )


def stored_state() -> dict:
    """Everything a refused request must leave as it was."""
    state = {model._meta.label: model._base_manager.count() for model in TRACKED}
    state["stories"] = list(
        Article.objects.order_by("pk").values_list(
            "pk",
            "status",
            "headline",
            "slug",
            "standfirst",
            "body",
            "section_id",
            "lead_image_id",
            "latest_revision_id",
            "live_revision_id",
            "publish_at",
            "expire_at",
            "embargo_until",
        )
    )
    state["photos"] = list(
        Image.objects.order_by("pk").values_list(
            "pk",
            "title",
            "alt_text",
            "caption",
            "credit",
            "licence",
            "source_url",
            "focal_x",
            "focal_y",
            "crops",
            "renditions",
        )
    )
    state["sections"] = list(
        Section.objects.order_by("pk").values_list(
            "pk", "name", "slug", "description", "order"
        )
    )
    state["authors"] = list(
        Author.objects.order_by("pk").values_list(
            "pk", "name", "slug", "bio", "photo_id", "user_id", "is_agency"
        )
    )
    state["share_links"] = list(
        PreviewLink.objects.order_by("pk").values_list("pk", "revoked_at")
    )
    state["media"] = media_files()
    return state


def shows_errors(response) -> bool:
    """The page is a form shown again with its errors."""
    page = response.content
    if b'class="errornote' in page or b'class="errorlist' in page:
        return True
    for context in response.context or []:
        if context.get("errors"):
            return True
    return False


def carries_refusal(response) -> bool:
    """A redirect that says the request was not carried out."""
    if response.url.startswith(reverse("admin:login")):
        return True
    return any(
        message.level >= messages.WARNING
        for message in get_messages(response.wsgi_request)
    )


def was_refused(response) -> bool:
    if 400 <= response.status_code < 500:
        return True
    if response.status_code in (301, 302, 303, 307, 308):
        return carries_refusal(response)
    return response.status_code == 200 and shows_errors(response)


def batch_refused(response) -> bool:
    """The batch page lists each file's own errors beside the stored ones, so
    only an invalid form (or a 4xx, or the login page) refuses the whole batch;
    the files one by one are checked against the page's count of stored ones."""
    if response.status_code == 200:
        return bool(response.context["form"].errors)
    return was_refused(response)


def bulk_refused(response) -> bool:
    """A list action reports each story it could not change beside those it
    did, so only an answer that changed none is a refusal."""
    if response.status_code in (301, 302, 303) and not response.url.startswith(
        reverse("admin:login")
    ):
        levels = {message.level for message in get_messages(response.wsgi_request)}
        return messages.SUCCESS not in levels and bool(levels)
    return was_refused(response)


def shown(value, limit: int = 200) -> str:
    """A value as a failure report shows it: long ones cut, with their length."""
    if isinstance(value, SimpleUploadedFile):
        value.seek(0)
        content = value.read()
        value.seek(0)
        return f"<file name={value.name!r} type={value.content_type!r} bytes={content[:64]!r}… ({len(content)} bytes)>"
    if isinstance(value, list):
        return "[" + ", ".join(shown(item, limit) for item in value) + "]"
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(value)} chars)"


def request_report(method: str, url: str, role: str, data: dict | None) -> str:
    fields = "\n".join(
        f"    {key!r}: {shown(value)}," for key, value in (data or {}).items()
    )
    zone = django_settings.TIME_ZONE
    return f"{method.upper()} {url} as {role} (TIME_ZONE={zone!r})\n  data = {{\n{fields}\n  }}"


# --- The newsroom every example starts from -------------------------------------------


def form_as_sent(page: bytes, form_id: str) -> dict:
    """The fields a browser submits from the form ``form_id`` on ``page``."""
    form = lxml_html.fromstring(page).get_element_by_id(form_id)
    data = {}
    for element in form.xpath(".//input | .//textarea | .//select"):
        name = element.get("name")
        if not name or "__prefix__" in name or name == "csrfmiddlewaretoken":
            continue
        if element.tag == "input":
            kind = (element.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                continue
            if kind in ("checkbox", "radio") and element.get("checked") is None:
                continue
            data[name] = element.get("value", "on" if kind == "checkbox" else "")
        elif element.tag == "textarea":
            # Browsers drop the newline Django writes after <textarea>.
            text = element.text or ""
            data[name] = text[1:] if text.startswith("\n") else text
        else:
            chosen = (
                element.xpath(".//option[@selected]") or element.xpath(".//option")[:1]
            )
            data[name] = chosen[0].get("value", "") if chosen else ""
    return data


class AdminFormsProperties(TestCase):
    """Random posts to every admin form and workflow page, as every role."""

    media_root: str

    @classmethod
    def setUpClass(cls):
        # One MEDIA_ROOT for the class: the photos made in setUpTestData must
        # stay readable in every example (their crops are re-rendered), which
        # the per-test media root of conftest.py would hide. The oracle compares
        # the files before and after each request instead of expecting none.
        cls.media_root = tempfile.mkdtemp(prefix="newsroom-properties-")
        cls.addClassCleanup(shutil.rmtree, cls.media_root, ignore_errors=True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=cls.media_root))
        # Whether a drawn publish time or expiry is past or future depends on
        # now: the newsroom lives at a fixed moment so examples replay alike.
        # Travelling moves this machine's clock, so it is the time authority.
        cls.enterClassContext(time_machine.travel(SITE_NOW))
        cls.enterClassContext(override_settings(NEWSROOM_TIME_AUTHORITY="machine"))
        super().setUpClass()

    def setUp(self):
        super().setUp()
        self.enterContext(override_settings(MEDIA_ROOT=self.media_root))

    @classmethod
    def setUpTestData(cls):
        users = {
            "reporter": make_user("reporter", group="Reporters"),
            "editor": make_user("editor", group="Editors"),
            "moderator": make_user("moderator", group="Moderators"),
            "superuser": make_user("admin", superuser=True),
        }
        # Logged in once: the sessions outlive every example's rollback.
        cls.sessions = {}
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            cls.sessions[role] = client.cookies[
                django_settings.SESSION_COOKIE_NAME
            ].value
        cls.user_pks = sorted(user.pk for user in users.values())

        naval = make_section("Naval", slug="naval")
        make_section("Defence policy", slug="defence-policy")
        lena = make_author("Lena Sorensen", user=users["reporter"])
        wire = make_author("Wire Agency", is_agency=True)
        photo = make_image(
            title="Harbour at dusk", data=image_bytes(size=(64, 36), color=(10, 20, 30))
        )
        uncredited = make_image(
            title="Uncredited",
            credit="",
            data=image_bytes(size=(48, 48), color=(200, 20, 30)),
        )
        reporter, editor = users["reporter"], users["editor"]

        def story(status, **fields):
            fields.setdefault("section", naval)
            fields.setdefault("authors", [lena])
            fields.setdefault("created_by", reporter)
            return make_article(status=status, **fields)

        stories = {
            "draft": story(Status.DRAFT, lead_image=photo, tags=["navy"]),
            "editor's draft": story(Status.DRAFT, authors=[wire], created_by=editor),
            "in review": story(Status.IN_REVIEW, submitted_by=reporter),
            "in review, uncredited photo": story(
                Status.IN_REVIEW, submitted_by=reporter, lead_image=uncredited
            ),
            "sent back": story(Status.CHANGES_REQUESTED),
            "live": story(Status.PUBLISHED, lead_image=photo),
            "live with changes": story(Status.PUBLISHED),
            "changes in review": story(Status.PUBLISHED),
            "scheduled": story(
                Status.PUBLISHED, publish_at=timezone.now() + timedelta(days=2)
            ),
            "withdrawn": story(Status.WITHDRAWN),
        }
        place_photo(stories["live"], photo, caption="The harbour.")
        place_photo(
            stories["live"], uncredited, kind=StoryImage.Kind.BODY, credit="Navy"
        )
        pending = Article.objects.get(pk=stories["live with changes"].pk)
        pending.headline = "A change waiting for approval"
        workflow.save_story(
            article=pending,
            user=editor,
            authors=[lena, wire],
            tags=["changed"],
            base_revision_id=pending.latest_revision_id,
        )
        changed = Article.objects.get(pk=stories["changes in review"].pk)
        changed.standfirst = "The range figure was wrong."
        workflow.save_story(
            article=changed,
            user=editor,
            authors=[lena],
            tags=[],
            base_revision_id=changed.latest_revision_id,
        )
        workflow.submit(article=changed, user=editor)
        link = PreviewLink.objects.create(
            article=stories["draft"],
            created_by=editor,
            expires_at=timezone.now() + timedelta(hours=48),
        )

        cls.story_pks = {name: article.pk for name, article in stories.items()}
        cls.section_pks = sorted(Section.objects.values_list("pk", flat=True))
        cls.author_pks = sorted(Author.objects.values_list("pk", flat=True))
        cls.photo_pks = sorted(Image.objects.values_list("pk", flat=True))
        cls.revision_pks = sorted(Revision.objects.values_list("pk", flat=True))
        cls.revision_numbers = sorted(
            set(Revision.objects.values_list("number", flat=True))
        )
        cls.byline_pks = sorted(Byline.objects.values_list("pk", flat=True))
        cls.placement_pks = sorted(StoryImage.objects.values_list("pk", flat=True))
        cls.link_pks = [link.pk]
        cls.photo_pk, cls.section_pk, cls.author_pk = photo.pk, naval.pk, lena.pk

        # Each change form as the superuser's browser would send it back.
        browser = Client()
        browser.force_login(users["superuser"])
        cls.story_forms = {}
        for name, pk in cls.story_pks.items():
            page = browser.get(reverse("admin:articles_article_change", args=[pk]))
            cls.story_forms[name] = form_as_sent(page.content, "article_form")
        page = browser.get(reverse("admin:articles_image_change", args=[photo.pk]))
        cls.photo_form = form_as_sent(page.content, "image_form")
        page = browser.get(reverse("admin:articles_section_change", args=[naval.pk]))
        cls.section_form = form_as_sent(page.content, "section_form")
        page = browser.get(reverse("admin:articles_author_change", args=[lena.pk]))
        cls.author_form = form_as_sent(page.content, "author_form")

    def setup_example(self):
        super().setup_example()
        caches["default"].clear()
        cache.local_pages.clear()
        cache.generation_watch.forget()
        cache.change_log.forget()
        cache.outage.forget()

    # --- Sending requests and judging the answers

    def client_as(self, role: str) -> Client:
        # Server errors become the 500 a browser would get; the oracle reports
        # the traceback instead of the test client raising it.
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.cookies[django_settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client

    def send(
        self,
        method: str,
        url: str,
        role: str,
        data: dict | None = None,
        *,
        refused=was_refused,
    ):
        """Send one request and check the property; return the response."""
        report = request_report(method, url, role, data)
        if currently_in_test_context():
            note(report)
        before = stored_state()
        client = self.client_as(role)
        response = getattr(client, method)(url, data or {})
        self.assert_no_server_error(response, report)
        if method == "get" or refused(response):
            assert stored_state() == before, (
                f"{'a GET' if method == 'get' else 'a refused post'} "
                f"({response.status_code}) stored something: {report}"
            )
        if response.status_code in (301, 302, 303) and response.url.startswith(
            "/admin/"
        ):
            # Where the browser goes next shows what was just stored.
            landing = client.get(response.url)
            self.assert_no_server_error(landing, f"GET {response.url} after {report}")
        return response

    def assert_no_server_error(self, response, report: str) -> None:
        if currently_in_test_context():
            event(f"{report.split(' ', 1)[0]} answered {response.status_code}")
        if response.status_code < 500:
            return
        trace = (
            "".join(traceback.format_exception(*response.exc_info))
            if response.exc_info
            else "(no exception)"
        )
        logger.error("server error for %s\n%s", report, trace)
        raise AssertionError(f"{response.status_code} for {report}\n{trace}")

    def assert_preview_renders(self, pk: int, form: dict) -> None:
        """What a save stored renders in the story's own template."""
        url = reverse("admin:articles_article_preview", args=[pk])
        preview = self.client_as("superuser").get(url)
        self.assert_no_server_error(preview, f"GET {url} after saving {form!r}"[:3000])

    def in_site_zone(self, data):
        """Run the rest of the example in a drawn site time zone."""
        zone = data.draw(st.sampled_from(ZONES), label="site time zone")
        return override_settings(TIME_ZONE=zone)

    def story_pk(self, name: str) -> int:
        return self.story_pks.get(name, UNKNOWN_PK)

    def draw_story(self, data) -> str:
        return data.draw(st.sampled_from([*self.story_pks, "unknown"]), label="story")

    # --- The story form

    def story_values(self) -> dict:
        ids = {
            "section": numbers(*self.section_pks),
            "lead_image": numbers(*self.photo_pks),
            "base_revision": numbers(*self.revision_pks),
        }
        text_fields = [
            "headline",
            "slug",
            "standfirst",
            "body",
            "dateline",
            "source",
            "lead_image_caption",
            "lead_image_credit",
            "seo_title",
            "seo_description",
        ]
        values = {name: texts() for name in text_fields}
        values["tags"] = tag_lists()
        values.update(ids)
        for name in ("expire_at", "embargo_until"):
            values[f"{name}_0"], values[f"{name}_1"] = dates(), times()
            values[name] = dates()
        story_ids = numbers(*self.story_pks.values())
        values.update(
            formset_values(
                "bylines",
                {
                    "id": numbers(*self.byline_pks),
                    "article": story_ids,
                    "author": numbers(*self.author_pks),
                    "order": numbers(0, 1, 32767, 32768),
                },
            )
        )
        for prefix in ("gallery", "body_images"):
            values.update(
                formset_values(
                    prefix,
                    {
                        "id": numbers(*self.placement_pks),
                        "article": story_ids,
                        "image": numbers(*self.photo_pks),
                        "position": numbers(0, 1, 32768),
                        "caption": texts(),
                        "credit": texts(),
                    },
                )
            )
        for name in ADMIN_BUTTONS:
            values[name] = st.sampled_from(["Save", ""])
        for name in SMUGGLED:
            values[name] = st.one_of(
                numbers(*self.revision_pks), dates(), st.sampled_from(Status.values)
            )
        return values

    def new_story_form(self) -> dict:
        return {
            "headline": "Minehunter joins the fleet",
            "slug": "",
            "standfirst": "The third ship of its class.",
            "body": "<p>Welcome aboard.</p>",
            "section": str(self.section_pk),
            "tags": "minehunters, navy",
            "dateline": "Portsmouth",
            "source": "",
            "lead_image": str(self.photo_pk),
            "lead_image_caption": "",
            "lead_image_credit": "",
            "seo_title": "",
            "seo_description": "",
            "expire_at_0": "",
            "expire_at_1": "",
            "embargo_until_0": "",
            "embargo_until_1": "",
            "base_revision": "",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-MIN_NUM_FORMS": "1",
            "bylines-MAX_NUM_FORMS": "1000",
            "bylines-0-author": str(self.author_pk),
            "bylines-0-order": "0",
            "gallery-TOTAL_FORMS": "0",
            "gallery-INITIAL_FORMS": "0",
            "body_images-TOTAL_FORMS": "0",
            "body_images-INITIAL_FORMS": "0",
        }

    def test_the_unchanged_forms_save(self):
        """The forms the other tests start from are valid, so what the
        properties see refused is refused for what Hypothesis changed."""
        for name, form in self.story_forms.items():
            with self.subTest(story=name):
                url = reverse(
                    "admin:articles_article_change", args=[self.story_pks[name]]
                )
                response = self.send("post", url, "superuser", form)
                self.assertEqual(response.status_code, 302, response.content[:2000])
        for url, form in [
            (reverse("admin:articles_article_add"), self.new_story_form()),
            (
                reverse("admin:articles_image_change", args=[self.photo_pk]),
                self.photo_form,
            ),
            (
                reverse("admin:articles_section_change", args=[self.section_pk]),
                self.section_form,
            ),
            (
                reverse("admin:articles_author_change", args=[self.author_pk]),
                self.author_form,
            ),
        ]:
            with self.subTest(url=url):
                response = self.send("post", url, "superuser", form)
                self.assertEqual(response.status_code, 302, response.content[:2000])

    @searching
    @given(data=st.data())
    def test_story_add_form(self, data):
        """A new story: refused or stored, never a 5xx, nothing left by a refusal."""
        role = data.draw(st.sampled_from(ROLES), label="role")
        form = data.draw(
            mutated(self.new_story_form(), self.story_values()), label="form"
        )
        with self.in_site_zone(data):
            response = self.send(
                "post", reverse("admin:articles_article_add"), role, form
            )
            if response.status_code == 302 and not was_refused(response):
                self.assert_preview_renders(Article.objects.latest("pk").pk, form)

    @searching
    @given(data=st.data())
    def test_story_change_form(self, data):
        """Any story in any state: a save never 5xxs, a refused save stores
        nothing, and no save of the form publishes or unpublishes anything."""
        role = data.draw(st.sampled_from(ROLES), label="role")
        name = self.draw_story(data)
        base = self.story_forms.get(name, self.story_forms["draft"])
        form = data.draw(mutated(base, self.story_values()), label="form")
        pk = self.story_pk(name)
        public = list(
            Article.objects.filter(pk=pk).values_list(
                "live_revision_id", "publish_at", "first_published_at", "went_live_at"
            )
        )
        url = reverse("admin:articles_article_change", args=[pk])
        with self.in_site_zone(data):
            response = self.send("post", url, role, form)
            if response.status_code == 302 and not was_refused(response):
                saved = Article.objects.latest("pk").pk if "_saveasnew" in form else pk
                self.assert_preview_renders(saved, form)
        after = list(
            Article.objects.filter(pk=pk).values_list(
                "live_revision_id", "publish_at", "first_published_at", "went_live_at"
            )
        )
        assert after == public, (
            f"the story form changed what readers see: {public} → {after}"
        )

    def test_a_huge_story_is_refused_or_stored_without_a_server_error(self):
        """Explicit large examples: every text field near 60 KB, one byline row
        more than the formset allows, and more fields than Django reads."""
        form = self.story_forms["draft"]
        huge = {
            key: "<b><i>" * 5000 if key == "body" else "Ä\u202e" * 15_000
            for key in (
                "headline",
                "standfirst",
                "body",
                "dateline",
                "source",
                "lead_image_caption",
                "seo_title",
                "seo_description",
            )
        }
        url = reverse("admin:articles_article_change", args=[self.story_pks["draft"]])
        self.send("post", url, "editor", {**form, **huge})
        rows = {"bylines-TOTAL_FORMS": "1001", "bylines-INITIAL_FORMS": "0"}
        rows.update({f"bylines-{i}-author": str(i) for i in range(10)})
        self.send("post", url, "editor", {**form, **rows})
        fields = {f"field-{i}": "x" for i in range(1001)}
        self.send("post", url, "editor", {**form, **fields})

    def test_the_posts_hypothesis_found_answering_500(self):
        """The smallest posts the properties above found failing, kept as
        explicit examples so every run tries them: each must be answered below
        500 and, refused, store nothing."""
        add_url = reverse("admin:articles_article_add")
        draft_url = reverse(
            "admin:articles_article_change", args=[self.story_pks["draft"]]
        )
        author_url = reverse("admin:articles_author_change", args=[self.author_pk])
        in_review = Article.objects.get(pk=self.story_pks["in review"])
        approve_url = reverse(
            "admin:articles_article_workflow", args=[in_review.pk, "approve"]
        )
        new = self.new_story_form()
        cases = [
            (
                "lead photo id that is no number, shown again by the picker",
                "UTC",
                "editor",
                add_url,
                {**new, "lead_image": "1.0"},
            ),
            (
                "author photo id that is no number, shown again by the picker",
                "UTC",
                "superuser",
                author_url,
                {**self.author_form, "photo": "x"},
            ),
            (
                "byline author id that is no number, shown again by the autocomplete",
                "UTC",
                "editor",
                add_url,
                {**new, "bylines-0-author": "x"},
            ),
            (
                "a story id sent in a new story's byline row",
                "UTC",
                "editor",
                add_url,
                {**new, "bylines-0-article": "1"},
            ),
            (
                "a base revision past the database's largest integer",
                "UTC",
                "editor",
                draft_url,
                {**self.story_forms["draft"], "base_revision": "9" * 30},
            ),
            (
                "a list action on a story id that is no number",
                "UTC",
                "editor",
                reverse("admin:articles_article_changelist"),
                {"action": "submit_selected", "_selected_action": "1.0"},
            ),
            (
                "an expiry that is after 9999-12-31 in UTC",
                "America/New_York",
                "editor",
                add_url,
                {**new, "expire_at_0": "9999-12-31", "expire_at_1": "23:59:59"},
            ),
            (
                "an embargo that is before 0001-01-01 in UTC",
                "Asia/Tokyo",
                "editor",
                add_url,
                {**new, "embargo_until_0": "0001-01-01", "embargo_until_1": "00:00"},
            ),
            (
                "an approval for a time after 9999-12-31 in UTC",
                "America/New_York",
                "moderator",
                approve_url,
                {
                    "revision_id": in_review.latest_revision_id,
                    "publish_at_0": "9999-12-31",
                    "publish_at_1": "23:59:59",
                },
            ),
        ]
        for case, zone, role, url, form in cases:
            with (
                self.subTest(case),
                override_settings(TIME_ZONE=zone),
                transaction.atomic(),
            ):
                self.send("post", url, role, form)
                transaction.set_rollback(True)

    # --- The photo library

    def photo_text_values(self) -> dict:
        values = {
            name: texts()
            for name in ("title", "alt_text", "caption", "credit", "licence")
        }
        values["source_url"] = urls()
        values["tags"] = tag_lists()
        for name in SMUGGLED:
            values[name] = numbers(*self.user_pks)
        return values

    @searching
    @given(data=st.data())
    def test_photo_upload(self, data):
        """Any file, or none, with any texts: refused files leave no row and no file."""
        role = data.draw(st.sampled_from(ROLES), label="role")
        form = data.draw(
            mutated(
                {
                    "title": "Frigate at sea",
                    "alt_text": "A frigate.",
                    "caption": "",
                    "credit": "Navy",
                },
                self.photo_text_values(),
            ),
            label="form",
        )
        upload = data.draw(st.one_of(uploads(), st.just(None), texts(20)), label="file")
        if upload is not None:
            form["file"] = upload
        self.send("post", reverse("admin:articles_image_add"), role, form)

    @searching
    @given(data=st.data())
    def test_photo_batch_upload(self, data):
        """Several files at once: each refused file leaves nothing behind."""
        role = data.draw(st.sampled_from(ROLES), label="role")
        files = data.draw(st.lists(uploads(), max_size=3), label="files")
        url = reverse("admin:articles_image_upload_many")
        images_before, files_before = Image.objects.count(), media_files()
        response = self.send(
            "post", url, role, {"files": files} if files else {}, refused=batch_refused
        )
        if response.status_code == 200:
            stored = response.context["stored"]
            assert Image.objects.count() == images_before + stored, (
                "a refused file was stored"
            )
            if not stored:
                assert media_files() == files_before, (
                    "a batch storing nothing left files"
                )

    @searching
    @given(data=st.data())
    def test_photo_change_form(self, data):
        """Texts, focal point and crops of a library photo."""
        role = data.draw(st.sampled_from(ROLES), label="role")
        values = self.photo_text_values()
        values.update(
            {
                name: st.one_of(st.floats().map(str), numbers(0, 1, "0.5"))
                for name in ("focal_x", "focal_y")
            }
        )
        crop = st.one_of(
            st.lists(st.floats(), min_size=0, max_size=5).map(
                lambda parts: ", ".join(str(part) for part in parts)
            ),
            st.sampled_from(
                [
                    "10, 0, 90, 70",
                    "0,0,100,100",
                    "10;0;90;70",
                    "50,50,52,52",
                    "0,0,5,5",
                    "95,95,100,100",
                    "0,0,100,5",
                    "0,0,5,100",
                    "0, 0, 100, 100, 100",
                    "1e2,0,100,100",
                ]
            ),
            texts(60),
        )
        values.update({f"crop_{ratio}": crop for ratio in ("card", "square", "social")})
        form = data.draw(mutated(self.photo_form, values), label="form")
        pk = data.draw(st.sampled_from([self.photo_pk, UNKNOWN_PK]), label="photo")
        self.send("post", reverse("admin:articles_image_change", args=[pk]), role, form)

    # --- Sections and authors

    @searching
    @given(data=st.data())
    def test_section_forms(self, data):
        """Adding a section or changing one: names, slugs and order of any shape."""
        role = data.draw(st.sampled_from(ROLES), label="role")
        values = {
            "name": texts(),
            "slug": texts(),
            "description": texts(),
            "order": numbers(0, 1, 32767, 32768, 65536),
        }
        adding = data.draw(st.booleans(), label="adding")
        base = (
            {"name": "Maritime", "slug": "maritime", "description": "", "order": "0"}
            if adding
            else self.section_form
        )
        form = data.draw(mutated(base, values), label="form")
        url = (
            reverse("admin:articles_section_add")
            if adding
            else reverse("admin:articles_section_change", args=[self.section_pk])
        )
        self.send("post", url, role, form)

    @searching
    @given(data=st.data())
    def test_author_forms(self, data):
        """Adding a byline or changing one, with any photo and user account ids."""
        role = data.draw(st.sampled_from(ROLES), label="role")
        values = {
            "name": texts(),
            "slug": texts(),
            "bio": texts(1200),
            "photo": numbers(*self.photo_pks),
            "user": numbers(*self.user_pks),
            "is_agency": flags(),
        }
        adding = data.draw(st.booleans(), label="adding")
        base = (
            {"name": "Ana Costa", "slug": "", "bio": "Defence writer."}
            if adding
            else self.author_form
        )
        form = data.draw(mutated(base, values), label="form")
        url = (
            reverse("admin:articles_author_add")
            if adding
            else reverse("admin:articles_author_change", args=[self.author_pk])
        )
        self.send("post", url, role, form)

    # --- Workflow

    @searching
    @given(data=st.data())
    def test_workflow_actions(self, data):
        """Up to four steps on one story, each by anyone: submit, approve (with
        any publish time and correction note), send back, withdraw, redraft or
        restore, so that later steps meet the states earlier ones made."""
        name = self.draw_story(data)
        pk = self.story_pk(name)
        numbers_of_story = sorted(
            Revision.objects.filter(article_id=pk).values_list("number", flat=True)
        )
        values = {
            "revision_id": numbers(*self.revision_pks),
            "publish_at_0": dates(),
            "publish_at_1": times(),
            "publish_at": dates(),
            "occurrence": st.one_of(
                st.sampled_from(["earlier", "later", ""]), texts(10)
            ),
            "correction_note": texts(1200),
            "comment": texts(2100),
            "reason": texts(2100),
        }
        actions = st.one_of(
            st.sampled_from([*sorted(ACTIONS), "restore"]),
            st.sampled_from(["publish_everything", "APPROVE", "approve "]),
            st.text(min_size=1, max_size=20).filter(lambda text: "/" not in text),
        )
        with self.in_site_zone(data):
            for step in range(data.draw(st.integers(1, 4), label="steps")):
                role = data.draw(st.sampled_from(ROLES), label=f"step {step} role")
                action = data.draw(actions, label=f"step {step} action")
                method = data.draw(
                    st.sampled_from(["post", "get"]), label=f"step {step} method"
                )
                if action == "restore":
                    number = data.draw(
                        st.one_of(
                            st.sampled_from(numbers_of_story or [1]),
                            st.integers(0, 10**25),
                        ),
                        label=f"step {step} revision number",
                    )
                    url = reverse("admin:articles_article_restore", args=[pk, number])
                    self.send(method, url, role)
                    continue
                latest = (
                    Article.objects.filter(pk=pk)
                    .values_list("latest_revision_id", flat=True)
                    .first()
                )
                base = {
                    "revision_id": str(latest or ""),
                    "comment": "Check the figures.",
                    "reason": "Legal complaint.",
                }
                form = data.draw(mutated(base, values), label=f"step {step} form")
                url = reverse("admin:articles_article_workflow", args=[pk, action])
                self.send(method, url, role, form)

    @searching
    @given(data=st.data())
    def test_share_links(self, data):
        """Creating and revoking share links, with any link id."""
        role = data.draw(st.sampled_from(ROLES), label="role")
        pk = self.story_pk(self.draw_story(data))
        revoking = data.draw(st.booleans(), label="revoking")
        if revoking:
            link = data.draw(
                st.one_of(st.sampled_from(self.link_pks), st.integers(0, 10**25)),
                label="link",
            )
            url = reverse("admin:articles_article_share_revoke", args=[pk, link])
        else:
            url = reverse("admin:articles_article_share", args=[pk])
        junk = data.draw(
            st.dictionaries(
                st.sampled_from(SMUGGLED + ["expires_at", "article"]),
                texts(),
                max_size=3,
            ),
            label="junk",
        )
        self.send(
            data.draw(st.sampled_from(["post", "get"]), label="method"), url, role, junk
        )

    @searching
    @given(data=st.data())
    def test_list_actions(self, data):
        """The story list's bulk actions, with any selection."""
        role = data.draw(st.sampled_from(ROLES), label="role")
        form = data.draw(
            st.fixed_dictionaries(
                {
                    "action": st.one_of(
                        st.sampled_from(
                            ["submit_selected", "approve_selected", "delete_selected"]
                        ),
                        texts(20),
                    )
                },
                optional={
                    "_selected_action": st.lists(
                        numbers(*self.story_pks.values()), max_size=4
                    ),
                    "select_across": flags(),
                    "index": numbers(0),
                    "post": flags(),
                },
            ),
            label="form",
        )
        url = reverse("admin:articles_article_changelist")
        with self.in_site_zone(data):
            self.send("post", url, role, form, refused=bulk_refused)

    @searching
    @given(data=st.data())
    def test_read_only_pages(self, data):
        """Compare (any a and b), history, previews and the review queue answer
        below 500 and store nothing."""
        role = data.draw(st.sampled_from(ROLES), label="role")
        pk = self.story_pk(self.draw_story(data))
        page = data.draw(
            st.sampled_from(
                ["compare", "history", "preview", "revision", "review queue"]
            ),
            label="page",
        )
        query = {}
        if page == "compare":
            number = st.one_of(numbers(*self.revision_numbers), st.just(MISSING))
            query = data.draw(
                st.fixed_dictionaries({"a": number, "b": number}), label="query"
            )
            query = {key: value for key, value in query.items() if value != MISSING}
            url = reverse("admin:articles_article_compare", args=[pk])
        elif page == "revision":
            number = data.draw(
                st.one_of(
                    st.sampled_from(self.revision_numbers), st.integers(0, 10**25)
                ),
                label="number",
            )
            url = reverse("admin:articles_article_preview_revision", args=[pk, number])
        elif page == "review queue":
            url = reverse("admin:articles_article_review_queue")
        else:
            url = reverse(f"admin:articles_article_{page}", args=[pk])
        with self.in_site_zone(data):
            self.send("get", url, role, query)
