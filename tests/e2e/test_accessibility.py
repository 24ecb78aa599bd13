"""Reader pages pass axe-core with no serious or critical violations (issue 7).

Each page is checked in the light and the dark colour scheme, since the site
follows the reader's preference (``color-scheme: light dark``).
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import Article, Correction
from tests.conftest import require_service
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}
BODY = (
    "<p>The ship left harbour at dawn with a reduced crew of 90.</p>"
    "<h2>What the trials test</h2>"
    "<ul><li>Propulsion at full power</li><li>The sonar suite</li></ul>"
    "<blockquote><p>She handled beautifully, said the captain.</p></blockquote>"
    '<p>More on the <a href="https://www.example.org/frigates">programme</a>.</p>'
)
PAGES = {
    "home": "/",
    "story": "{story}",
    "section": "/section/naval/",
    "tag": "/tag/frigates/",
    "author": "/author/lena-sorensen/",
    "search": "/search/?q=frigate",
    "404": "/no-such-page/",
}


@pytest.fixture
def reader_site(db):
    """A small, realistic site: sections, staff and agency bylines, photos,
    tags, a correction and enough stories to fill the home page blocks."""
    naval = make_section(
        "Naval", slug="naval", description="Ships, submarines, sailors."
    )
    land = make_section("Land", slug="land")
    air = make_section("Air Defence", slug="air-defence")
    portrait = make_image(
        title="Lena Sorensen", alt_text="Lena Sorensen", credit="Staff"
    )
    lena = make_author(
        "Lena Sorensen",
        slug="lena-sorensen",
        photo=portrait,
        bio="Lena Sorensen covers the Navy and shipbuilding.",
    )
    agency = make_author("Reuters", slug="reuters", is_agency=True)
    photos = [
        make_image(alt_text=alt, caption=caption, credit="Navy Press Office")
        for alt, caption in [
            ("A grey frigate at sea under a low sky", "Resolute on trials."),
            ("Soldiers unloading a tracked vehicle", "Exercise Winter Shield."),
            ("A radar dish on a truck at dusk", "The new radar on its range."),
        ]
    ]
    now = timezone.now()
    lead = make_article(
        headline="Frigate Resolute completes sea trials",
        section=naval,
        authors=[lena, agency],
        tags=["frigates", "navy"],
        lead_image=photos[0],
        body=BODY,
        dateline="Rosyth",
        source="Royal Navy",
        lead_image_caption="Resolute in the Firth of Forth.",
        publish_at=now - timedelta(minutes=30),
    )
    Correction.objects.create(
        article=lead, note="An earlier version gave the wrong crew size."
    )
    others = [
        (naval, None),
        (land, photos[1]),
        (air, photos[2]),
        (naval, photos[0]),
        (land, None),
        (air, photos[2]),
    ]
    for index, (section, photo) in enumerate(others, start=1):
        make_article(
            headline=f"Frigate programme update number {index}",
            section=section,
            authors=[lena if index % 2 else agency],
            tags=["frigates"],
            lead_image=photo,
            publish_at=now - timedelta(hours=index),
        )
    return {"lead": lead}


@pytest.fixture
def axe_page(new_context):
    if not AXE.exists():
        require_service(
            "axe-core", f"no {AXE.relative_to(ROOT)}: run `npm ci` for the axe checks"
        )

    contexts = {}

    def open_page(path: str, color_scheme: str):
        if color_scheme not in contexts:
            # The site's CSP would block the injected axe script; pages are the same.
            contexts[color_scheme] = new_context(
                bypass_csp=True, color_scheme=color_scheme
            )
        page = contexts[color_scheme].new_page()
        response = page.goto(path)
        page.add_script_tag(path=str(AXE))
        return page, response

    return open_page


def blocking_violations(page) -> list[str]:
    results = page.evaluate("async () => await axe.run(document)")
    assert results["passes"], "axe checked nothing: is the page empty?"
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def test_reader_pages_have_no_serious_accessibility_violations(reader_site, axe_page):
    """Home, story, section, tag, author, search and 404 pages pass axe-core,
    in both colour schemes; every failing page is reported at once."""
    lead = reader_site["lead"]
    assert lead.status == Article.Status.PUBLISHED
    failures = {}
    for page_name, path in PAGES.items():
        path = path.format(story=lead.get_absolute_url())
        expected_status = 404 if page_name == "404" else 200
        for color_scheme in ("light", "dark"):
            page, response = axe_page(path, color_scheme)
            assert response.status == expected_status, f"{path}: {response.status}"
            if page_name != "404":  # the page shows the seeded content
                assert lead.headline in page.locator("main").inner_text(), path
            if violations := blocking_violations(page):
                failures[f"{page_name} {path} ({color_scheme})"] = violations
            page.close()
    assert failures == {}, "\n".join(
        f"{where}:\n  " + "\n  ".join(found) for where, found in failures.items()
    )


@pytest.mark.parametrize("name", ["home", "story", "section", "search", "404"])
def test_reader_pages_do_not_scroll_sideways_at_320_px(reader_site, new_context, name):
    """Readable on the narrowest phones: nothing sticks out of a 320 px screen."""
    context = new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(PAGES[name].format(story=reader_site["lead"].get_absolute_url()))
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((element) => element.getBoundingClientRect().right > 320.5)
            .map((element) => element.tagName + "." + element.className)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, overflowing
