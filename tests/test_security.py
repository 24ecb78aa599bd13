"""Security by real HTTP requests: headers and CSP (C3), CSRF (C1), login
throttling (C2), Host header, open redirects and password-reset links (C4),
malformed requests (N1, D1)."""

import logging
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import re_path, reverse
from django.views.static import serve
from lxml import html as lxml_html

from articles.models import Article, Image, PreviewLink, Section
from tests.factories import (
    image_bytes,
    make_article,
    make_author,
    make_image,
    make_section,
    make_user,
    upload,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "pw-Secret-123"
Status = Article.Status


def serve_media(request, path):
    from django.conf import settings

    return serve(request, path, document_root=settings.MEDIA_ROOT)


# Media as `make run` (DEBUG) serves it, for the media CSP test.
urlpatterns = [re_path(r"^media/(?P<path>.*)$", serve_media)]


def csp_directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def reader_urls() -> list[str]:
    story = make_article(
        headline="Corvette commissioned", tags=["corvettes"], lead_image=make_image()
    )
    author = story.bylines.first().author
    return [
        "/",
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        reverse("articles:tag", args=["corvettes"]),
        author.get_absolute_url(),
        reverse("articles:archive-year", args=[story.publish_at.year]),
        reverse("articles:corrections"),
        reverse("articles:search") + "?q=corvette",
        "/no-such-page/",
    ]


# --- Headers and CSP (C3) ---------------------------------------------------------


def test_reader_pages_carry_a_strict_csp_and_the_security_headers(client):
    for url in reader_urls():
        response = client.get(url)
        directives = csp_directives(response)
        assert directives["default-src"] == "'self'", url
        assert directives["object-src"] == "'none'"
        assert directives["base-uri"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["form-action"] == "'self'"
        assert directives["img-src"].startswith("'self' data:")
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "nonce-" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_reader_pages_have_no_inline_script_or_style(client):
    """The CSP forbids them, so a template that used them would break silently."""
    for url in reader_urls():
        response = client.get(url)
        tree = lxml_html.fromstring(response.content)
        scripts = tree.xpath("//script[not(@src)]")
        assert all(s.get("type") == "application/ld+json" for s in scripts), url
        assert not tree.xpath("//style"), url
        assert not tree.xpath("//@style"), url
        assert not [a for a in tree.xpath("//@*") if a.attrname.startswith("on")], url


def test_cached_reader_pages_keep_their_security_headers(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    make_article(headline="Cached with headers")
    client.get("/")
    hit = client.get("/")
    assert hit["X-Cache"] == "hit"
    assert csp_directives(hit)["default-src"] == "'self'"
    assert hit["X-Frame-Options"] == "DENY"


def test_the_story_editor_gets_a_nonce_only_in_the_admin(client, editor):
    story = make_article(status=Status.DRAFT)
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    directives = csp_directives(response)
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    assert "unsafe-inline" not in directives["script-src"]
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    tree = lxml_html.fromstring(response.content)
    inline = tree.xpath("//script[not(@src)]")
    assert inline, "the editor's import map is inline"
    assert all(script.get("nonce") == nonce for script in inline)
    assert directives["frame-ancestors"] == "'none'"


def test_admin_pages_without_inline_scripts_get_no_nonce(client, editor):
    client.force_login(editor)
    for url in (reverse("admin:login"), reverse("admin:articles_image_changelist")):
        response = client.get(url)
        directives = csp_directives(response)
        assert directives.get("script-src") == "'self'", url
        assert response["X-Frame-Options"] == "DENY"


def test_admin_nonces_differ_per_request(client, editor):
    client.force_login(editor)
    url = reverse("admin:articles_article_add")
    first = csp_directives(client.get(url))["script-src"]
    second = csp_directives(client.get(url))["script-src"]
    assert first != second


def test_media_served_by_django_cannot_run_anything(client, settings):
    settings.ROOT_URLCONF = __name__
    image = make_image()
    response = client.get(settings.MEDIA_URL + image.file.name)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    directives = csp_directives(response)
    assert directives["default-src"] == "'none'"
    assert "sandbox" in directives


def test_over_https_hsts_and_secure_httponly_cookies_are_sent(client, settings):
    """Production values (tests/test_deploy.py proves production sets them)."""
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    make_user("reporter2", group="Reporters")
    client.get(reverse("admin:login"), secure=True)
    response = client.post(
        reverse("admin:login"),
        {"username": "reporter2", "password": PASSWORD},
        secure=True,
    )
    assert response.status_code == 302
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["secure"] and cookie["httponly"], name


# --- CSRF (C1) ------------------------------------------------------------------------


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def story_post(story=None, **overrides):
    section = overrides.pop("section", None) or make_section()
    author = make_author()
    data = {
        "headline": "Forged story",
        "slug": "",
        "standfirst": "Forged.",
        "body": "<p>Forged.</p>",
        "section": section.pk,
        "tags": "",
        "base_revision": story.latest_revision_id if story else "",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-author": author.pk,
        "bylines-0-order": "0",
    }
    data.update(overrides)
    return data


def snapshot_database():
    """What any forged request must leave untouched."""
    return {
        "articles": sorted(
            Article.objects.values_list(
                "pk", "status", "headline", "latest_revision_id"
            )
        ),
        "images": Image.objects.count(),
        "sections": sorted(Section.objects.values_list("pk", "name")),
        "links": sorted(PreviewLink.objects.values_list("pk", "revoked_at")),
    }


def test_every_admin_state_change_without_a_csrf_token_is_refused(
    strict_client, superuser
):
    draft = make_article(status=Status.DRAFT, headline="Draft")
    in_review = make_article(status=Status.IN_REVIEW, headline="In review")
    live = make_article(headline="Live")
    link = PreviewLink.objects.create(
        article=draft, expires_at=live.publish_at + timedelta(days=9)
    )
    section = make_section("Naval", slug="naval")
    strict_client.force_login(superuser)
    workflow = "admin:articles_article_workflow"
    posts = [
        (reverse("admin:articles_article_add"), story_post()),
        (
            reverse("admin:articles_article_change", args=[draft.pk]),
            story_post(draft, headline="Changed"),
        ),
        (reverse("admin:articles_article_delete", args=[draft.pk]), {"post": "yes"}),
        (
            reverse("admin:articles_article_changelist"),
            {"action": "approve_selected", "_selected_action": [in_review.pk]},
        ),
        (reverse(workflow, args=[draft.pk, "submit"]), {}),
        (
            reverse(workflow, args=[in_review.pk, "approve"]),
            {"revision_id": in_review.latest_revision_id},
        ),
        (reverse(workflow, args=[in_review.pk, "send_back"]), {"comment": "No"}),
        (reverse(workflow, args=[live.pk, "withdraw"]), {"reason": "Forged"}),
        (reverse("admin:articles_article_restore", args=[live.pk, 1]), {}),
        (reverse("admin:articles_article_share", args=[draft.pk]), {}),
        (reverse("admin:articles_article_share_revoke", args=[draft.pk, link.pk]), {}),
        (
            reverse("admin:articles_image_add"),
            {"file": upload(image_bytes()), "title": "Forged", "alt_text": "x"},
        ),
        (
            reverse("admin:articles_section_change", args=[section.pk]),
            {"name": "Hacked", "slug": "hacked", "order": 0},
        ),
        (reverse("admin:taggit_tag_add"), {"name": "forged", "slug": "forged"}),
    ]
    before = snapshot_database()
    for url, data in posts:
        response = strict_client.post(url, data)
        assert response.status_code == 403, url
    assert snapshot_database() == before


def test_logout_without_a_csrf_token_keeps_the_user_logged_in(strict_client, editor):
    strict_client.force_login(editor)
    assert strict_client.post(reverse("admin:logout")).status_code == 403
    assert strict_client.get(reverse("admin:index")).status_code == 200


def test_login_and_password_reset_without_a_csrf_token_are_refused(strict_client):
    make_user("newsdesk")
    response = strict_client.post(
        reverse("admin:login"), {"username": "newsdesk", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in strict_client.session
    response = strict_client.post(
        reverse("admin_password_reset"), {"email": "newsdesk@example.com"}
    )
    assert response.status_code == 403
    assert mail.outbox == []


def form_token(client, url) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_a_csrf_token_issued_to_another_login_is_refused(superuser, editor):
    victim, attacker = (
        Client(enforce_csrf_checks=True),
        Client(enforce_csrf_checks=True),
    )
    attacker.force_login(editor)
    stolen = form_token(attacker, reverse("admin:articles_section_add"))
    victim.force_login(superuser)
    victim.get(reverse("admin:articles_section_add"))  # the victim has its own cookie
    response = victim.post(
        reverse("admin:articles_section_add"),
        {"name": "Forged", "slug": "forged", "order": 0, "csrfmiddlewaretoken": stolen},
    )
    assert response.status_code == 403
    assert not Section.objects.filter(slug="forged").exists()


def test_with_its_token_the_same_post_succeeds(superuser):
    """The refusals above are about the token, not the request."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    token = form_token(client, reverse("admin:articles_section_add"))
    response = client.post(
        reverse("admin:articles_section_add"),
        {"name": "Cyber", "slug": "cyber", "order": 0, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Section.objects.filter(slug="cyber").exists()


def test_get_never_changes_state(client, superuser):
    draft = make_article(status=Status.DRAFT)
    client.force_login(superuser)
    before = snapshot_database()
    for action in ("submit", "approve", "send_back", "withdraw", "redraft"):
        client.get(reverse("admin:articles_article_workflow", args=[draft.pk, action]))
    for name, args in (
        ("admin:articles_article_restore", [draft.pk, 1]),
        ("admin:articles_article_share", [draft.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 405
    assert snapshot_database() == before


def test_no_view_is_exempt_from_csrf():
    """`csrf_exempt` anywhere in our code would silently open a hole."""
    offenders = [
        str(path)
        for folder in ("articles", "newsroom")
        for path in (ROOT / folder).rglob("*.py")
        if "csrf_exempt" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


# --- Host header and open redirects (C4) ---------------------------------------------


def test_a_foreign_host_header_gets_400_even_for_cached_pages(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    make_article()
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200  # now in the page cache
    for host in ("evil.example", "testserver.evil.example", "testserver:80@evil"):
        assert client.get("/", HTTP_HOST=host).status_code == 400, host
    assert client.get(reverse("healthz"), HTTP_HOST="evil.example").status_code == 400


OFF_SITE_NEXT = [
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    " //evil.example",
    "\x01//evil.example",
    "\t//evil.example",
    "javascript:alert(1)",
    "https:evil.example",
    "https://evil.example/admin/",
    "http:/evil.example",
    "///evil.example",
    "data:text/html,<script>alert(1)</script>",
]


def assert_on_site(location: str):
    """Resolve ``location`` as a browser would: leading blanks and controls
    dropped, backslashes read as slashes."""
    as_browser_reads = location.lstrip("".join(map(chr, range(33)))).replace("\\", "/")
    resolved = urlsplit(urljoin("http://testserver/admin/login/", as_browser_reads))
    assert (resolved.scheme, resolved.netloc) == ("http", "testserver"), location


@pytest.mark.parametrize("next_url", OFF_SITE_NEXT)
def test_login_next_never_leaves_the_site(client, next_url):
    make_user("deskeditor", group="Editors")
    response = client.post(
        reverse("admin:login") + "?next=x",
        {"username": "deskeditor", "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302
    assert_on_site(response["Location"])


@pytest.mark.parametrize("next_url", OFF_SITE_NEXT[:6])
def test_logout_next_never_leaves_the_site(client, editor, next_url):
    client.force_login(editor)
    response = client.post(reverse("admin:logout"), {"next": next_url})
    if response.status_code == 302:
        assert_on_site(response["Location"])
    else:
        assert response.status_code == 200


def test_an_on_site_next_is_followed(client):
    make_user("deskeditor", group="Editors")
    response = client.post(
        reverse("admin:login"),
        {
            "username": "deskeditor",
            "password": PASSWORD,
            "next": "/admin/articles/article/",
        },
    )
    assert response["Location"] == "/admin/articles/article/"


# --- Password reset (C4, accounts) -------------------------------------------------------


def test_login_page_offers_password_reset(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert reverse("admin_password_reset") in page


def test_password_reset_link_uses_site_url_never_the_request_host(client, settings):
    settings.SITE_URL = "https://news.example.com"
    user = make_user("forgetful", group="Reporters")
    response = client.post(
        reverse("admin_password_reset"),
        {"email": "forgetful@example.com"},
        HTTP_HOST="localhost",  # allowed, but not the public site
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    links = re.findall(r"https?://\S+", body)
    assert links and all(link.startswith("https://news.example.com/") for link in links)
    assert "localhost" not in body

    path = urlsplit(links[0]).path
    set_password = client.get(path, follow=True)
    assert set_password.status_code == 200
    form_url = set_password.redirect_chain[-1][0]
    weak = client.post(
        form_url, {"new_password1": "password1", "new_password2": "password1"}
    )
    assert weak.status_code == 200 and "too common" in weak.content.decode()
    strong = "Corvette-Radar-Lantern-47"
    done = client.post(form_url, {"new_password1": strong, "new_password2": strong})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(strong)


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client,
):
    response = client.post(
        reverse("admin_password_reset"), {"email": "nobody@example.com"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_strong_password_validators_are_on():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("short1A!", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Corvette-Radar-Lantern-47")


# --- Login throttling (C2) ------------------------------------------------------------


def login(client, username, password, **headers):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, **headers
    )


def fail_until_locked(client, username, settings, **headers):
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = login(client, username, "wrong-password", **headers)
        expected = 429 if attempt == settings.AXES_FAILURE_LIMIT else 200
        assert response.status_code == expected, attempt
    return response


def test_repeated_failures_lock_the_login_and_refuse_the_right_password(
    client, settings
):
    make_user("target", group="Editors")
    locked = fail_until_locked(client, "target", settings)
    page = locked.content.decode()
    assert "Too many failed logins" in page
    assert "0:15:00" in page
    response = login(client, "target", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_touch_other_users_or_other_addresses(client, settings):
    make_user("target", group="Editors")
    make_user("colleague", group="Editors")
    fail_until_locked(client, "target", settings)
    # A colleague behind the same address is unaffected...
    assert login(Client(), "colleague", PASSWORD).status_code == 302
    # ...and so is the same person from elsewhere.
    assert (
        login(Client(REMOTE_ADDR="198.51.100.7"), "target", PASSWORD).status_code == 302
    )


def test_a_forged_x_forwarded_for_does_not_rotate_the_address(client, settings):
    """Without a trusted proxy the header is ignored."""
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 0
    make_user("target", group="Editors")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "target", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
    response = login(client, "target", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.200")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_only_the_hop_it_appended_counts(settings):
    """The proxy appends the real client; anything the client put in front is
    ignored, while two real clients behind the proxy stay apart."""
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 1
    make_user("target", group="Editors")
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(
            proxy,
            "target",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"198.18.0.{attempt}, 203.0.113.9",
        )
    forged = login(
        proxy, "target", PASSWORD, HTTP_X_FORWARDED_FOR="198.18.0.99, 203.0.113.9"
    )
    assert forged.status_code == 429
    other_client = login(
        Client(REMOTE_ADDR="10.0.0.2"),
        "target",
        PASSWORD,
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert other_client.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"


def test_the_lockout_ends_after_the_cool_off(client, settings):
    make_user("target", group="Editors")
    with time_machine.travel("2026-05-04 09:00 +0000", tick=False) as clock:
        fail_until_locked(client, "target", settings)
        clock.shift(timedelta(minutes=14))
        assert login(client, "target", PASSWORD).status_code == 429
        clock.shift(timedelta(minutes=16))
        assert login(client, "target", PASSWORD).status_code == 302


def test_failed_logins_are_logged_without_the_password(client, settings, caplog):
    make_user("target", group="Editors")
    secret = "Hunter2-not-the-password"
    with caplog.at_level(logging.INFO):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(client, "target", secret)
    assert "login failure" in caplog.text.lower() or "locked out" in caplog.text.lower()
    assert any(record.levelno == logging.WARNING for record in caplog.records)
    assert secret not in caplog.text
    attempt = AccessAttempt.objects.get()
    assert secret not in attempt.post_data


def test_superusers_see_and_lift_lockouts_editors_cannot(
    client, settings, superuser, editor
):
    make_user("target", group="Editors")
    fail_until_locked(Client(), "target", settings)
    attempt = AccessAttempt.objects.get()
    changelist = reverse("admin:axes_accessattempt_changelist")
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])

    client.force_login(editor)
    assert client.get(changelist).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()

    client.force_login(superuser)
    listing = client.get(changelist)
    assert listing.status_code == 200 and "target" in listing.content.decode()
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()
    assert login(Client(), "target", PASSWORD).status_code == 302


# --- Malformed requests (N1, D1) ------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/%ff%fe/",
        "/section/%c0%af/",
        "/?q=%ff%fe",
        "/search/?q=%c3%28",
        "/?page=%80",
        "/tag/%ed%a0%80/",
    ],
)
def test_invalid_utf8_in_the_path_or_query_gets_a_4xx(client, url):
    response = client.get(url)
    assert 400 <= response.status_code < 500, url


def test_too_many_fields_is_400_and_stores_nothing(client, editor):
    client.force_login(editor)
    data = story_post()
    data.update({f"extra{n}": "x" for n in range(1100)})
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 400
    assert not Article.objects.exists()


def test_too_many_files_is_400_and_stores_nothing(client, editor, isolated_media_root):
    client.force_login(editor)
    files = [upload(image_bytes(size=(8, 8)), name=f"p{n}.jpg") for n in range(101)]
    response = client.post(
        reverse("admin:articles_image_add"), {"title": "Many", "file": files}
    )
    assert response.status_code == 400
    assert not Image.objects.exists()
    assert not [p for p in isolated_media_root.rglob("*") if p.is_file()]


def test_a_form_body_past_what_the_server_reads_is_400(client, editor, settings):
    client.force_login(editor)
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024
    data = story_post(body="<p>" + "x" * size + "</p>")
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert not Article.objects.exists()


def test_huge_headers_do_not_cause_a_server_error(client):
    response = client.get(
        "/",
        HTTP_ACCEPT_LANGUAGE="en-GB;q=0.9," * 20_000,
        HTTP_USER_AGENT="A" * 100_000,
        HTTP_COOKIE="sessionid=" + "x" * 50_000,
    )
    assert response.status_code < 500


def test_admin_ids_with_trailing_junk_are_not_read_as_numbers(client, superuser):
    """CVE-2017-1001000: ``123abc`` must never mean story 123."""
    story = make_article(status=Status.DRAFT, headline="Original")
    client.force_login(superuser)
    response = client.post(
        f"/admin/articles/article/{story.pk}abc/change/",
        story_post(story, headline="X"),
    )
    assert response.status_code in (302, 404)
    if response.status_code == 302:  # the admin's "does not exist" redirect
        assert response["Location"] == reverse("admin:index")
    story.refresh_from_db()
    assert story.headline == "Original"
    workflow_url = f"/admin/articles/article/{story.pk}abc/workflow/submit/"
    assert client.post(workflow_url, follow=True).status_code in (200, 404)
    story.refresh_from_db()
    assert story.status == Status.DRAFT


def test_a_lockout_never_disables_the_account(settings):
    """Locking out stores attempts; the account itself stays active."""
    make_user("target", group="Editors")
    fail_until_locked(Client(), "target", settings)
    assert User.objects.get(username="target").is_active


def test_django_serves_media_only_when_configured_to(client, settings):
    """Production leaves media to object storage or the web server;
    NEWSROOM_SERVE_MEDIA (on with DEBUG) lets one machine serve them."""
    import importlib

    from django.urls import clear_url_caches

    import newsroom.urls
    from tests.factories import make_image

    url = settings.MEDIA_URL + make_image().file.name
    assert client.get(url).status_code == 404
    settings.NEWSROOM_SERVE_MEDIA = True
    try:
        importlib.reload(newsroom.urls)
        clear_url_caches()
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
    finally:
        settings.NEWSROOM_SERVE_MEDIA = False
        importlib.reload(newsroom.urls)
        clear_url_caches()
