import re
from functools import lru_cache
from html.parser import HTMLParser

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import loader
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from articles import links
from articles.delivery import fragments
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
def _truncated(text: str, length: int, language: str | None) -> str:
    return Truncator(text).chars(length)


@register.filter(is_safe=True)
def clip(value, length: int) -> str:
    """``value|truncatechars:length``, remembered."""
    return _truncated(str(value), int(length), get_language())


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


def _srcset(entries, extension):
    return ", ".join(
        f"{media_url(entry[extension])} {entry['width']}w" for entry in entries
    )


EAGER_LOADING = mark_safe('loading="eager" fetchpriority="high"')  # a constant
LAZY_LOADING = mark_safe('loading="lazy"')  # a constant


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
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" decoding="async" {}>',
            image.file.url,
            image.width,
            image.height,
            alt_text,
            _loading(eager),
        )
    fallback = entries[-1] if kind == "thumb" else entries[0]
    return format_html(
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
        format_html(' <span class="credit">{} {}</span>', _("Photo:"), credit)
        if credit
        else ""
    )
    return format_html("<figcaption>{}{}</figcaption>", caption, credit_html)


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
    return format_html(
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
        return mark_safe(body)  # noqa: S308 (sanitised on save)
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
    return mark_safe("".join(pieces))  # noqa: S308 (sanitised body, escaped figures)


@register.simple_tag
def byline_list(story):
    """Authors linked to their pages: "A, B and C"."""
    authors = story.ordered_authors
    links = [
        format_html(
            '<a href="{}" rel="author">{}</a>', author.get_absolute_url(), author.name
        )
        for author in authors
    ]
    if len(links) <= 1:
        return mark_safe("".join(links))  # noqa: S308 (links built escaped)
    others = format_html_join(", ", "{}", ((link,) for link in links[:-1]))
    return format_html("{} and {}", others, links[-1])


CARD_IMAGE_SIZES = "(min-width: 48em) 320px, 100vw"
COMPACT_CARD_IMAGE_SIZES = "7rem"
CARD_TEMPLATE = "articles/includes/card.html"


def story_card(story, level=3, compact=False, hide_section=False, hit=None) -> str:
    """A story card (``articles/includes/card.html``), from a ``for_listing()``
    story with bylines attached.

    ``level`` is the headline's heading level (2 to 4); a ``compact`` card has
    no standfirst and a small thumbnail; ``hide_section`` drops the section
    label on the section's own page. A search hit passes its marked-up
    ``headline`` and ``excerpt``.
    """
    context = {
        "story": story,
        "level": level,
        "compact": compact,
        "hide_section": hide_section,
        "hit": hit,
        "image_sizes": COMPACT_CARD_IMAGE_SIZES if compact else CARD_IMAGE_SIZES,
    }
    card = loader.render_to_string(CARD_TEMPLATE, context).strip()
    return mark_safe(card)  # noqa: S308 (rendered by the card template)


@register.simple_tag
def card_items(stories, level=3, compact=False, hide_section=False):
    """Each story's card in its ``<li>``, one per line; cards no change
    touched come from the fragment cache, in one round trip."""
    layout = f"{level}{'c' if compact else ''}{'h' if hide_section else ''}"
    cards = fragments.cards_html(
        list(stories),
        layout,
        lambda story: story_card(story, level, compact, hide_section),
    )
    return format_html_join("\n", "<li>{}</li>", ((mark_safe(card),) for card in cards))  # noqa: S308 (rendered by the card template)


@register.simple_tag
def hit_items(hits, level=2):
    """Compact cards of search hits, with each hit's marked-up headline and
    excerpt (never cached: they differ by query)."""
    return format_html_join(
        "\n",
        "<li>{}</li>",
        ((story_card(hit.story, level, compact=True, hit=hit),) for hit in hits),
    )
