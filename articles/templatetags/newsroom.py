from django import template
from django.core.files.storage import default_storage
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

# Which stored renditions make up each kind of picture, smallest first.
PICTURE_KINDS = {
    "thumb": ["thumb"],
    "card": ["card-320", "card-640"],
    "lead": ["lead-640", "lead-1024", "lead-1600"],
}


def _srcset(entries, extension):
    return ", ".join(
        f"{default_storage.url(entry[extension])} {entry['width']}w"
        for entry in entries
    )


@register.simple_tag
def picture(image, kind, sizes="100vw", eager=False, alt=None):
    """``<picture>`` with WebP and JPEG ``srcset``s from the image's stored renditions.

    The lead image of a story is ``eager`` (loaded at once, high priority);
    everything else loads lazily. ``width``/``height`` keep the layout still.
    """
    if image is None:
        return ""
    entries = [
        image.renditions[spec]
        for spec in PICTURE_KINDS[kind]
        if spec in image.renditions
    ]
    if not entries:
        return ""
    fallback = entries[-1] if kind == "thumb" else entries[0]
    loading = (
        mark_safe('loading="eager" fetchpriority="high"')  # noqa: S308 (constant)
        if eager
        else mark_safe('loading="lazy"')  # noqa: S308 (constant)
    )
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" '
        'decoding="async" {}></picture>',
        _srcset(entries, "webp"),
        sizes,
        default_storage.url(fallback["jpg"]),
        _srcset(entries, "jpg"),
        sizes,
        fallback["width"],
        fallback["height"],
        image.alt_text if alt is None else alt,
        loading,
    )


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
        return format_html_join("", "{}", ((link,) for link in links))
    return format_html(
        "{} and {}",
        format_html_join(", ", "{}", ((link,) for link in links[:-1])),
        links[-1],
    )
