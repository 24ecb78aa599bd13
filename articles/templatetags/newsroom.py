import html
import re
from functools import lru_cache
from html.parser import HTMLParser

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from articles import links
from articles.links import media_url, reader_url
from articles.photos import images

register = template.Library()

# Dates and truncations a page shows are worked out once per process and
# language: Django's date formatting looks up translated month and day names
# for every call, about a tenth of a millisecond each, ten or more times a
# page. The results depend only on the arguments, the language and the time
# zone, so bounded caches keep worker memory flat.
TEXTS_KEPT = 4096


def _formatted(value, format_string: str) -> str:
    """``value`` (local time, or a date) formatted in the current language.

    The zone is part of the key: aware datetimes of one instant in two
    zones are equal, and would share an entry.
    """
    zone = getattr(value, "tzinfo", None)
    return _formatted_in(value, zone, format_string, get_language())


@lru_cache(maxsize=TEXTS_KEPT)
def _formatted_in(value, zone, format_string: str, language: str | None) -> str:
    return formats.date_format(value, format_string)


@register.filter
def local_date(value, format_string: str) -> str:
    """``value|date:format_string`` (in the current time zone), remembered."""
    if not value:
        return ""
    return _formatted(template_localtime(value), format_string)


@register.simple_tag
def today(format_string: str) -> str:
    """``{% now format_string %}`` for formats of the date alone, remembered."""
    return _formatted(timezone.localdate(), format_string)


@lru_cache(maxsize=TEXTS_KEPT)
def _truncated(text: str, length: int, words: bool, language: str | None) -> str:
    truncator = Truncator(text)
    return truncator.words(length, truncate=" …") if words else truncator.chars(length)


@register.filter(is_safe=True)
def clip(value, length: int) -> str:
    """``value|truncatechars:length``, remembered."""
    return _truncated(str(value), int(length), False, get_language())


def clip_words(value, length: int) -> str:
    """``truncatewords(value, length)``, remembered."""
    return _truncated(str(value), int(length), True, get_language())


@receiver(setting_changed)
def forget_texts(setting, **kwargs) -> None:
    if setting in {"LANGUAGE_CODE", "TIME_ZONE", "USE_TZ", "DATE_FORMAT"}:
        _formatted_in.cache_clear()
        _truncated.cache_clear()


# Which stored renditions make up each kind of picture, smallest first.
PICTURE_KINDS = {
    "thumb": ["thumb"],
    "card": ["card-320", "card-640", "card-960"],
    "lead": ["lead-640", "lead-1024", "lead-1600", "lead-2048"],
}
BODY_FIGURE_SIZES = "(min-width: 48em) 40rem, 100vw"


def _escaped(value) -> str:
    """``value`` as ``format_html`` escapes an argument: markup already marked
    safe passes through, anything else is HTML-escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def trusted(markup: str) -> SafeString:
    """``mark_safe(markup)`` for markup built here from escaped parts.

    The same ``SafeString``, without the check ``mark_safe`` makes of every
    call for a lazy translation: a story page marks a hundred or more
    strings, and the checks cost more than building them. Every caller says
    why its markup is safe.
    """
    return SafeString(markup)


def fast_format_html(format_string: str, *args) -> SafeString:
    """``format_html`` with the same escaping, for the builders of cards and
    pictures: Django's version checks every argument for lazy translations,
    which on a page of cards cost more than the escaping itself."""
    escaped = [_escaped(arg) for arg in args]
    return trusted(format_string.format(*escaped))  # arguments escaped


def _srcset(entries, extension):
    return ", ".join(
        f"{media_url(entry[extension])} {entry['width']}w" for entry in entries
    )


EAGER_LOADING = trusted('loading="eager" fetchpriority="high"')
LAZY_LOADING = trusted('loading="lazy"')
CURRENT_PAGE = trusted(' aria-current="page"')


def _loading(eager):
    return EAGER_LOADING if eager else LAZY_LOADING


@register.simple_tag
def picture(image, kind, sizes="100vw", eager=False, alt=None):
    """``<picture>`` with WebP and JPEG ``srcset``s from the image's renditions.

    The lead image of a story is ``eager`` (loaded at once, high priority);
    everything else loads lazily. ``width``/``height`` keep the layout still.
    Without any rendition (storage failing) the cleaned original is shown.
    """
    if image is None:
        return ""
    alt_text = image.alt_text if alt is None else alt
    entries = images.rendition_entries(image, PICTURE_KINDS[kind])
    if not entries:
        if not image.file:
            return ""
        return fast_format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" decoding="async" {}>',
            image.file.url,
            image.width,
            image.height,
            alt_text,
            _loading(eager),
        )
    fallback = entries[-1] if kind == "thumb" else entries[0]
    return fast_format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" '
        'decoding="async" {}></picture>',
        _srcset(entries, "webp"),
        sizes,
        media_url(fallback["jpg"]),
        _srcset(entries, "jpg"),
        sizes,
        fallback["width"],
        fallback["height"],
        alt_text,
        _loading(eager),
    )


@register.simple_tag
def section_menu(sections, current_path):
    """The menu's section links, the current section's marked, one per line
    (a tag rather than a template loop: it is on every page)."""
    return trusted(  # links built escaped
        "".join(
            fast_format_html(
                '\n      <li><a href="{}"{}>{}</a></li>\n      ',
                url,
                CURRENT_PAGE if url == current_path else "",
                section.name,
            )
            for section in sections
            for url in [section.get_absolute_url()]
        )
    )


@register.simple_tag
def static_url(path):
    """``{% static path %}``, remembered."""
    return links.static_url(path)


@register.simple_tag(name="reader_url")
def reader_url_tag(viewname, **kwargs):
    """``{% url %}`` for reader pages, remembered: the header, footer and tag
    lists repeat the same few addresses on every page."""
    return reader_url(viewname, **kwargs)


@register.simple_tag
def figure_caption(caption, credit):
    """``<figcaption>`` with the caption and a "Photo:" credit, or nothing."""
    if not caption and not credit:
        return ""
    credit_html = (
        fast_format_html(' <span class="credit">{} {}</span>', _("Photo:"), credit)
        if credit
        else ""
    )
    return fast_format_html("<figcaption>{}{}</figcaption>", caption, credit_html)


class _BlockEnds(HTMLParser):
    """Offsets just after each top-level element of sanitised body HTML."""

    VOID = {"br", "hr", "img", "wbr"}

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
        self.depth = 0
        self.ends = []
        self.feed(text)
        self.close()

    def _offset(self):
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.depth += 1
        elif self.depth == 0:
            self.ends.append(self._offset() + len(self.get_starttag_text()))

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0:
            self.ends.append(self._offset() + len(self.get_starttag_text()))

    def handle_endtag(self, tag):
        if tag in self.VOID or self.depth == 0:
            return
        self.depth -= 1
        if self.depth == 0:
            self.ends.append(self._offset() + len(f"</{tag}>"))


def body_figure(placement) -> str:
    return fast_format_html(
        '<figure class="story__inline-figure">{}{}</figure>',
        picture(placement.image, "lead", sizes=BODY_FIGURE_SIZES),
        figure_caption(placement.caption_text, placement.credit_text),
    )


@register.simple_tag
def story_body(story):
    """The story's body with its body photos as ``<figure>``s between paragraphs.

    The body was sanitised on save and is cut only between top-level
    elements, so every piece stays well-formed; figures are built with
    ``fast_format_html``, so the sanitiser never has to let ``<img>`` through.
    """
    body = story.body or ""
    figures = story.body_figures
    if not figures:
        return trusted(body)  # sanitised on save
    ends = _BlockEnds(body).ends
    slots = {}
    for placement in figures:
        slots.setdefault(min(placement.position, len(ends)), []).append(placement)
    pieces, start = [], 0
    for count in range(len(ends) + 1):
        end = ends[count - 1] if count else 0
        pieces.append(body[start:end])
        start = end
        pieces.extend(body_figure(placement) for placement in slots.get(count, []))
    pieces.append(body[start:])
    return trusted("".join(pieces))  # sanitised body, escaped figures


@register.simple_tag
def byline_list(story):
    """Authors linked to their pages: "A, B and C"."""
    authors = story.ordered_authors
    links = [
        fast_format_html(
            '<a href="{}" rel="author">{}</a>', author.get_absolute_url(), author.name
        )
        for author in authors
    ]
    if len(links) <= 1:
        return trusted("".join(links))  # links built escaped
    others = trusted(", ".join(links[:-1]))  # links built escaped
    return fast_format_html("{} and {}", others, links[-1])


CARD_IMAGE_SIZES = "(min-width: 48em) 320px, 100vw"
COMPACT_CARD_IMAGE_SIZES = "7rem"


def story_card(story, level=3, compact=False, hide_section=False, hit=None):
    """A story card, from a ``for_listing()`` story (bylines prefetched).

    ``level`` is the headline's heading level (2 to 4); a ``compact`` card has
    no standfirst and a small thumbnail; ``hide_section`` drops the section
    label on the section's own page. A search hit passes its marked-up
    ``headline`` and ``excerpt``. The image comes after the text in the
    document, so screen readers meet the headline first; CSS puts it on top
    (or beside, for compact cards).

    Built here rather than in an included template: a listing shows up to 30
    cards, and the include cost more than everything else on the page.
    """
    headline = hit.headline if hit else story.headline
    published = template_localtime(story.publish_at)
    return fast_format_html(
        '<article class="card{}{}"><div class="card__body">{}'
        '<h{} class="card__headline"><a href="{}">{}</a></h{}>{}'
        '<p class="meta">{}<time datetime="{}">{}</time></p></div>{}</article>',
        " card--compact" if compact else "",
        " search-hit" if hit else "",
        "" if hide_section else _card_kicker(story.section),
        level,
        story.get_absolute_url(),
        headline,
        level,
        _card_summary(story, compact, hit),
        _card_byline(story),
        published.isoformat(),  # the "c" format
        _formatted(published, "j M Y, H:i"),
        _card_media(story, compact),
    )


@register.simple_tag
def card_items(stories, level=3, compact=False, hide_section=False):
    """``story_card`` for each of ``stories``, each in its ``<li>``, one per
    line: a listing's cards in one tag, since a template loop around
    ``story_card`` cost more per card than building the card."""
    return trusted(  # cards built escaped
        "\n".join(
            f"<li>{story_card(story, level, compact, hide_section)}</li>"
            for story in stories
        )
    )


@register.simple_tag
def hit_items(hits, level=2):
    """``card_items`` for search hits: compact cards with the marked-up
    headline and excerpt of each hit."""
    return trusted(  # cards built escaped
        "\n".join(
            f"<li>{story_card(hit.story, level, compact=True, hit=hit)}</li>"
            for hit in hits
        )
    )


def _card_kicker(section) -> str:
    return fast_format_html(
        '<p class="kicker"><a href="{}">{}</a></p>',
        section.get_absolute_url(),
        section.name,
    )


def _card_summary(story, compact, hit) -> str:
    if hit:
        if not hit.excerpt:
            return ""
        return fast_format_html(
            '<p class="card__standfirst search-hit__excerpt">{}</p>', hit.excerpt
        )
    if compact or not story.standfirst:
        return ""
    return fast_format_html(
        '<p class="card__standfirst">{}</p>', clip_words(story.standfirst, 30)
    )


def _card_byline(story) -> str:
    byline = byline_list(story)
    if not byline:
        return ""
    return fast_format_html('<span class="meta__byline">{}</span> ', byline)


def _card_media(story, compact) -> str:
    if story.lead_image is None:
        return ""
    sizes = COMPACT_CARD_IMAGE_SIZES if compact else CARD_IMAGE_SIZES
    thumbnail = picture(story.lead_image, "card", sizes=sizes)
    if not thumbnail:
        return ""
    return fast_format_html('<div class="card__media">{}</div>', thumbnail)
