"""Cleaning of user-written text: plain fields and rich-text HTML.

Plain text is normalised (NFC) and stripped of characters that break XML
feeds or flip the surrounding UI; HTML passes an nh3 allow-list. Both run on
every save through the model fields in ``articles.fields``, so no path can
store uncleaned text.
"""

import html
import re
import unicodedata

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# C0 and C1 controls except tab, newline and carriage return: XML 1.0 forbids
# most of them (one stray vertical tab from a word processor fails a whole
# feed), and none has a meaning in a headline or caption.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidi embeddings, overrides and isolates can make text read differently from
# its stored order ("Trojan Source"); zero-width spaces and BOMs hide words.
# Zero-width joiners stay: emoji sequences and several scripts need them.
_INVISIBLE_FORMATTING = re.compile("[\u200b\u202a-\u202e\u2066-\u2069\ufeff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029]")
_WHITESPACE_RUN = re.compile(r"\s+")
_BLOCK_BOUNDARY = re.compile(
    r"</(?:p|h[1-6]|li|blockquote|figcaption|pre)>|<br\s*/?>", re.I
)

# Tag tables stay grouped by kind on a few lines (fmt: skip): one tag a line
# would hide the allow-list's shape.
ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "hr", "code", "pre",
    "figure", "figcaption", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# A URL that starts with two slashes (browsers read a backslash as one, and
# drop tabs and line breaks first) leaves the site: "//other-host/path".
_URL_IGNORED = re.compile(r"[\t\n\r]")
_OTHER_HOST = re.compile(r"^[\x00-\x20]*[/\\]{2}")
# Tags after which a parser keeps no open element (void), or which a
# following sibling closes (optional end tags): neither nests.
_NON_NESTING = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "source", "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup",
    "tr", "td", "th", "thead", "tbody", "tfoot", "rb", "rt", "rp",
}  # fmt: skip
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")


def _no_other_host(element: str, attribute: str, value: str) -> str | None:
    """nh3 attribute filter: links and images stay on the schemes allowed or
    on this site; a protocol-relative URL is dropped."""
    if attribute in {"href", "src"} and _OTHER_HOST.match(_URL_IGNORED.sub("", value)):
        return None
    return value


_html_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    attribute_filter=_no_other_host,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def nesting_depth(value: str, *, stop_above: int) -> int:
    """How deeply ``value``'s elements nest, as an HTML parser would open them,
    counted in one pass; it stops as soon as the depth passes ``stop_above``.

    An end tag closes its open element and any opened inside it; a stray end
    tag is ignored. The sanitiser's cost grows with the square of the depth,
    so this bounds it before it runs.
    """
    stack: list[str] = []
    open_count: dict[str, int] = {}
    deepest = 0
    for match in _TAG.finditer(value):
        closing, name = match.group(1), match.group(2).lower()
        if name in _NON_NESTING:
            continue
        if not closing:
            stack.append(name)
            open_count[name] = open_count.get(name, 0) + 1
            deepest = max(deepest, len(stack))
            if deepest > stop_above:
                break
        elif open_count.get(name):
            while (top := stack.pop()) != name:
                open_count[top] -= 1
            open_count[name] -= 1
    return deepest


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Return ``value`` normalised and free of control and bidi characters."""
    if not value:
        return value
    value = unicodedata.normalize("NFC", value)
    value = _LINE_BREAKS.sub("\n", value)
    value = _CONTROL_CHARACTERS.sub("", value)
    value = _INVISIBLE_FORMATTING.sub("", value)
    if multiline:
        return "\n".join(line.rstrip() for line in value.strip().split("\n"))
    return _WHITESPACE_RUN.sub(" ", value).strip()


def sanitize_html(value: str) -> str:
    """Return ``value`` with every tag, attribute and URL scheme off the allow-list removed."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value)
    value = _CONTROL_CHARACTERS.sub("", value)
    value = _INVISIBLE_FORMATTING.sub("", value)
    cleaned = _html_cleaner.clean(value).strip()
    # An editor that was emptied leaves one empty paragraph behind.
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


def html_to_text(value: str) -> str:
    """Plain text of sanitised HTML, for excerpts, feeds and search.

    nh3 with no allowed tags cannot raise on malformed markup, unlike Django's
    ``strip_tags`` which refuses deeply nested or unclosed tags (by design).
    """
    spaced = _BLOCK_BOUNDARY.sub(" ", value or "")
    text = html.unescape(nh3.clean(spaced, tags=set(), attributes={}))
    return _WHITESPACE_RUN.sub(" ", text).strip()


def html_to_paragraphs(value: str) -> str:
    """Plain text of sanitised HTML with one line per paragraph, list item,
    heading or quote, for comparing revisions paragraph by paragraph."""
    lined = _BLOCK_BOUNDARY.sub("\n", value or "")
    text = html.unescape(nh3.clean(lined, tags=set(), attributes={}))
    lines = (_WHITESPACE_RUN.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def rich_text_limits_help() -> str:
    return _(
        "At most %(size)s of HTML and %(depth)s levels of nesting "
        "(lists in quotes in lists…)."
    ) % {
        "size": filesizeformat(settings.NEWSROOM_BODY_MAX_BYTES),
        "depth": settings.NEWSROOM_BODY_MAX_DEPTH,
    }


def validate_rich_text_limits(value: str) -> None:
    """Refuse rich text over the size or nesting limit, before it is sanitised."""
    size, limit = (
        len(value.encode("utf-8", "surrogatepass")),
        settings.NEWSROOM_BODY_MAX_BYTES,
    )
    if size > limit:
        raise ValidationError(
            _(
                "The text is %(size)s of HTML; the limit is %(limit)s. Split it into "
                "two stories or paste it without its formatting."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="body_too_large",
        )
    depth_limit = settings.NEWSROOM_BODY_MAX_DEPTH
    if nesting_depth(value, stop_above=depth_limit) > depth_limit:
        raise ValidationError(
            _(
                "The text nests formatting more than %(limit)s levels deep (quotes "
                "inside quotes, lists inside lists). Paste it without its formatting."
            )
            % {"limit": depth_limit},
            code="body_too_deep",
        )
