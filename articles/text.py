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
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

_html_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


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
