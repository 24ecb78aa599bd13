"""Story bodies are sanitised on save: nothing executable can be stored."""

import pytest
from lxml import html as lxml_html

from articles.text import html_to_text, sanitize_html
from tests.factories import make_article

DANGEROUS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    "<object data='x.swf'></object>",
    "<embed src='x.swf'>",
    "<svg onload=alert(1)><circle/></svg>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<form action="https://evil.example"><input name=x></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<base href='https://evil.example/'>",
    '<p onclick="alert(1)" onmouseover="alert(2)">hover</p>',
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)</script>-->",
    '<img src="x" srcset="javascript:alert(1)">',
    '<a href="https://ok.example" target="_blank" formaction="javascript:alert(1)">ok</a>',
]


def executable_parts(fragment: str) -> list[str]:
    """Scripts, event handlers and script URLs found by parsing ``fragment``."""
    if not fragment.strip():
        return []
    tree = lxml_html.fragment_fromstring(fragment, create_parent="div")
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in {
            "script",
            "style",
            "iframe",
            "object",
            "embed",
            "svg",
            "math",
            "form",
            "input",
            "meta",
            "base",
            "link",
        }:
            found.append(element.tag)
        for name, value in element.attrib.items():
            if name.startswith("on") or name in {"style", "srcset", "formaction"}:
                found.append(name)
            if name in {"href", "src"}:
                scheme = value.strip().lower().split(":", 1)[0]
                if ":" in value and scheme not in {"http", "https", "mailto", "tel"}:
                    found.append(value)
    return found


@pytest.mark.parametrize("payload", DANGEROUS)
def test_dangerous_markup_is_stripped(payload):
    assert executable_parts(sanitize_html(payload)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("payload", DANGEROUS)
def test_dangerous_markup_never_reaches_the_database_or_the_page(client, payload):
    story = make_article(body=f"<p>Before</p>{payload}<p>After</p>")
    story.refresh_from_db()
    assert executable_parts(story.body) == []
    page = lxml_html.fromstring(client.get(story.get_absolute_url()).content)
    assert not [
        script for script in page.iter("script") if "alert" in (script.text or "")
    ]
    assert not [
        name
        for element in page.iter()
        if isinstance(element.tag, str)
        for name, value in element.attrib.items()
        if name.startswith("on") or "javascript:" in value.lower()
    ]


def test_ordinary_formatting_survives():
    body = (
        "<h2>Background</h2><p>The <strong>new</strong> radar is <em>faster</em>.</p>"
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>Quoted.</p></blockquote>"
        '<p><a href="https://example.org/report">the report</a></p>'
    )
    cleaned = sanitize_html(body)
    for fragment in [
        "<h2>Background</h2>",
        "<strong>new</strong>",
        "<em>faster</em>",
        "<ul><li>one</li></ul>",
        "<ol><li>two</li></ol>",
        "<blockquote><p>Quoted.</p></blockquote>",
        'href="https://example.org/report"',
    ]:
        assert fragment in cleaned


def test_links_get_a_safe_rel():
    assert 'rel="noopener noreferrer"' in sanitize_html(
        '<a href="https://a.example">a</a>'
    )


def test_empty_editor_output_is_stored_empty():
    assert sanitize_html("<p></p>") == ""


def test_html_to_text_survives_malformed_markup_that_strip_tags_refuses():
    hostile = "<p>" + "<a" * 5000 + " text"
    assert isinstance(html_to_text(hostile), str)
    assert html_to_text("<p>One</p><p>Two &amp; three</p>") == "One Two & three"


@pytest.mark.parametrize(
    "href",
    [
        "//other-host.example/path",
        "  //other-host.example/",
        "/\\other-host.example/",
        "\\\\other-host.example/",
        "/\t/other-host.example/",
        "&#47;/other-host.example/",
        "tel:+441234567890",
        "ftp://files.example/",
    ],
)
def test_links_that_leave_for_another_host_or_scheme_are_dropped(href):
    cleaned = sanitize_html(f'<p><a href="{href}">elsewhere</a></p>')
    assert "href" not in cleaned
    assert "elsewhere" in cleaned


@pytest.mark.parametrize(
    "href",
    [
        "https://www.example.org/frigates",
        "http://example.org/",
        "mailto:desk@example.org",
        "/section/naval/",
        "#further-reading",
    ],
)
def test_web_mail_and_site_relative_links_stay(href):
    assert f'href="{href}"' in sanitize_html(f'<p><a href="{href}">link</a></p>')
