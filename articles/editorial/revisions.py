"""Revision snapshots: take one, apply one to a story, render one, compare two.

A snapshot holds everything an editor can change about a story, so a
revision can be previewed, compared, restored or approved on its own.
"""

import contextlib
import difflib
import re
from dataclasses import dataclass

from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from articles.models import (
    Article,
    Author,
    Byline,
    Image,
    Revision,
    Section,
    StoryImage,
    TaggedArticle,
)
from articles.text import html_to_paragraphs

SCALAR_FIELDS = [
    "headline",
    "standfirst",
    "body",
    "dateline",
    "source",
    "lead_image_caption",
    "lead_image_credit",
    "seo_title",
    "seo_description",
]
TIME_FIELDS = ["expire_at", "embargo_until"]
# Snapshot keys of the story's photos besides the lead: lists of
# {"id", "title", "position", "caption", "credit"} (caption and credit
# override the library's for this story when not empty).
PLACEMENTS = {"gallery": StoryImage.Kind.GALLERY, "body_images": StoryImage.Kind.BODY}


def placements_on_row(article: Article) -> dict[str, list[dict]]:
    """The gallery and body photos stored for ``article``, as a snapshot holds them."""
    found = {key: [] for key in PLACEMENTS}
    if article.pk is None:
        return found
    keys = {kind: key for key, kind in PLACEMENTS.items()}
    for placement in StoryImage.objects.filter(article=article).order_by(
        "position", "pk"
    ):
        found[keys[placement.kind]].append(
            {
                "id": placement.image_id,
                "title": placement.image.title,
                "position": placement.position,
                "caption": placement.caption,
                "credit": placement.credit,
            }
        )
    return found


def take_snapshot(
    article: Article,
    *,
    authors: list[Author],
    tags: list[str],
    gallery: list[dict] | None = None,
    body_images: list[dict] | None = None,
) -> dict:
    """The content of ``article`` (possibly unsaved edits) with these bylines, tags
    and photos; photos not given are those stored on the row."""
    image = article.lead_image
    # Cleaned as the row's fields clean on save: an edit to an approved story
    # never passes through save(), yet previews render its snapshot.
    snapshot = {
        field: Article._meta.get_field(field).to_python(getattr(article, field))
        for field in SCALAR_FIELDS
    }
    snapshot.update(
        {
            field: value.isoformat() if (value := getattr(article, field)) else None
            for field in TIME_FIELDS
        }
    )
    snapshot["section"] = {"id": article.section_id, "name": article.section.name}
    snapshot["authors"] = [{"id": author.pk, "name": author.name} for author in authors]
    snapshot["tags"] = sorted(tags, key=str.lower)
    snapshot["lead_image"] = (
        {
            "id": image.pk,
            "title": image.title,
            "caption": image.caption,
            "credit": image.credit,
            "alt_text": image.alt_text,
        }
        if image
        else None
    )
    on_row = (
        placements_on_row(article) if gallery is None or body_images is None else {}
    )
    snapshot["gallery"] = on_row["gallery"] if gallery is None else gallery
    snapshot["body_images"] = (
        on_row["body_images"] if body_images is None else body_images
    )
    return snapshot


def current_snapshot(article: Article) -> dict:
    """The snapshot of what is stored on the row now."""
    return take_snapshot(
        article,
        authors=[byline.author for byline in article.bylines.select_related("author")],
        tags=list(article.tags.names()),
    )


def next_number(article: Article) -> int:
    last = (
        article.revisions.order_by("-number").values_list("number", flat=True).first()
    )
    return (last or 0) + 1


def record(article: Article, snapshot: dict, *, user, restored_from=None) -> Revision:
    return Revision.objects.create(
        article=article,
        number=next_number(article),
        snapshot=snapshot,
        created_by=user,
        restored_from=restored_from,
    )


def parse_time(value):
    return parse_datetime(value) if value else None


def assign_fields(article: Article, snapshot: dict) -> None:
    """Put a snapshot's scalar fields, section and lead image on ``article`` (unsaved)."""
    for field in SCALAR_FIELDS:
        setattr(article, field, snapshot.get(field) or "")
    for field in TIME_FIELDS:
        setattr(article, field, parse_time(snapshot.get(field)))
    article.section_id = snapshot["section"]["id"]
    article.lead_image_id = (snapshot.get("lead_image") or {}).get("id")


def apply_to_row(article: Article, snapshot: dict) -> None:
    """Make ``snapshot`` the stored content of ``article``, bylines and tags included."""
    assign_fields(article, snapshot)
    article.save()
    existing = {byline.author_id: byline for byline in article.bylines.all()}
    wanted = [author["id"] for author in snapshot["authors"]]
    Byline.objects.filter(article=article).exclude(author_id__in=wanted).delete()
    for order, author_id in enumerate(wanted):
        byline = existing.get(author_id)
        if byline is None:
            Byline.objects.create(article=article, author_id=author_id, order=order)
        elif byline.order != order:
            Byline.objects.filter(pk=byline.pk).update(order=order)
    article.tags.set(snapshot["tags"])
    apply_placements(article, snapshot)


def apply_placements(article: Article, snapshot: dict) -> None:
    """Store the snapshot's gallery and body photos (an older snapshot without
    them leaves the stored ones alone); photos since deleted are skipped."""
    wanted = {key: snapshot[key] for key in PLACEMENTS if key in snapshot}
    if not wanted:
        return
    ids = {item["id"] for items in wanted.values() for item in items}
    existing = set(Image.objects.filter(pk__in=ids).values_list("pk", flat=True))
    StoryImage.objects.filter(
        article=article, kind__in=[PLACEMENTS[key] for key in wanted]
    ).delete()
    StoryImage.objects.bulk_create(
        StoryImage(
            article=article,
            image_id=item["id"],
            kind=PLACEMENTS[key],
            position=item.get("position") or 0,
            caption=item.get("caption") or "",
            credit=item.get("credit") or "",
        )
        for key, items in wanted.items()
        for item in items
        if item["id"] in existing
    )
    with contextlib.suppress(AttributeError):  # read again when next asked for
        del article.image_placements


def preview_instance(article: Article, snapshot: dict) -> Article:
    """An unsaved copy of ``article`` showing ``snapshot``, ready for the story template."""
    copy = Article.objects.get(pk=article.pk)
    assign_fields(copy, snapshot)
    copy.section = Section.objects.get(pk=copy.section_id)
    copy.lead_image = Image.objects.filter(pk=copy.lead_image_id).first()
    authors = Author.objects.in_bulk([author["id"] for author in snapshot["authors"]])
    copy.prefetched_bylines = [
        Byline(article=copy, author=authors[author["id"]], order=order)
        for order, author in enumerate(snapshot["authors"])
        if author["id"] in authors
    ]
    copy.prefetched_tag_links = [
        TaggedArticle(content_object=copy, tag=Tag(name=name, slug=name))
        for name in snapshot["tags"]
    ]
    copy.image_placements = preview_placements(copy, snapshot)
    return copy


def preview_placements(article: Article, snapshot: dict) -> list[StoryImage]:
    """Unsaved gallery and body photos of ``snapshot``, for a preview."""
    if not any(key in snapshot for key in PLACEMENTS):
        return list(article.story_images.all())
    items = [(key, item) for key in PLACEMENTS for item in snapshot.get(key, [])]
    photos = Image.objects.in_bulk({item["id"] for _key, item in items})
    return [
        StoryImage(
            article=article,
            image=photos[item["id"]],
            kind=PLACEMENTS[key],
            position=item.get("position") or 0,
            caption=item.get("caption") or "",
            credit=item.get("credit") or "",
        )
        for key, item in items
        if item["id"] in photos
    ]


def image_uses(snapshot: dict) -> list[dict]:
    """Every photo a snapshot shows: {"id", "title", "where", "credit"} with the
    per-story credit override (empty when the library credit applies)."""
    uses = []
    if lead := snapshot.get("lead_image"):
        uses.append(
            {
                "id": lead["id"],
                "title": lead.get("title", ""),
                "where": _("lead photo"),
                "credit": snapshot.get("lead_image_credit") or "",
            }
        )
    for key, where in (("gallery", _("gallery")), ("body_images", _("in the body"))):
        uses.extend(
            {
                "id": item["id"],
                "title": item.get("title", ""),
                "where": where,
                "credit": item.get("credit") or "",
            }
            for item in snapshot.get(key, [])
        )
    return uses


# --- Comparing revisions ----------------------------------------------------------

_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class FieldDiff:
    label: str
    html: str
    changed: bool


def _flatten(snapshot: dict) -> dict[str, str]:
    image = snapshot.get("lead_image") or {}
    return {
        str(_("Headline")): snapshot.get("headline", ""),
        str(_("Standfirst")): snapshot.get("standfirst", ""),
        str(_("Body")): html_to_paragraphs(snapshot.get("body", "")),
        str(_("Section")): snapshot["section"]["name"],
        str(_("Bylines")): ", ".join(author["name"] for author in snapshot["authors"]),
        str(_("Tags")): ", ".join(snapshot.get("tags", [])),
        str(_("Dateline")): snapshot.get("dateline", ""),
        str(_("Source")): snapshot.get("source", ""),
        str(_("Lead photo")): image.get("title", ""),
        str(_("Photo caption")): snapshot.get("lead_image_caption")
        or image.get("caption", ""),
        str(_("Photo credit")): snapshot.get("lead_image_credit")
        or image.get("credit", ""),
        str(_("Gallery")): _placements_text(snapshot.get("gallery", [])),
        str(_("Photos in the body")): _placements_text(snapshot.get("body_images", [])),
        str(_("Embargo until")): snapshot.get("embargo_until") or "",
        str(_("Expire at")): snapshot.get("expire_at") or "",
    }


def _placements_text(items: list[dict]) -> str:
    return "; ".join(
        " — ".join(
            part
            for part in (
                f"{item.get('position', 0)}. {item.get('title', '')}",
                item.get("caption"),
                item.get("credit"),
            )
            if part
        )
        for item in items
    )


# Above this many words on either side, a changed run is compared sentence
# by sentence, and a run still that long is shown removed and added whole:
# word matching costs up to the product of the two lengths.
WORD_DIFF_MAX_WORDS = 2_000
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def _diff_units(old_units: list[str], new_units: list[str], joiner: str, refine):
    """Match whole units (paragraphs or sentences); ``refine`` compares each
    run of units that changed."""
    matcher = difflib.SequenceMatcher(a=old_units, b=new_units, autojunk=False)
    parts = []
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        old_run, new_run = joiner.join(old_units[a1:a2]), joiner.join(new_units[b1:b2])
        if parts:
            parts.append(("{}", joiner))
        if operation == "equal":
            parts.append(("{}", old_run))
        elif operation == "replace":
            parts.extend(refine(old_run, new_run))
        elif operation == "delete":
            parts.append(("<del>{}</del>", old_run))
        else:
            parts.append(("<ins>{}</ins>", new_run))
    return parts


def _whole(old: str, new: str) -> list[tuple[str, str]]:
    return [("<del>{}</del>", old), ("<ins>{}</ins>", new)]


def _word_parts(old: str, new: str, *, by_sentence: bool = True):
    old_words, new_words = _WORDS.findall(old), _WORDS.findall(new)
    if max(len(old_words), len(new_words)) > WORD_DIFF_MAX_WORDS:
        if not by_sentence:
            return _whole(old, new)
        return _diff_units(
            _SENTENCE_END.split(old),
            _SENTENCE_END.split(new),
            " ",
            lambda a, b: _word_parts(a, b, by_sentence=False),
        )
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    parts = []
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(("{}", "".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(("<del>{}</del>", "".join(old_words[a1:a2])))
        if b2 > b1:
            parts.append(("<ins>{}</ins>", "".join(new_words[b1:b2])))
    return parts


def word_diff_html(old: str, new: str) -> str:
    """Inline diff, every piece escaped by ``format_html``.

    Paragraphs (lines) are matched first and words only within the runs of
    paragraphs that changed, so a one-word edit of a long read costs about
    as much as reading it once.
    """
    parts = _diff_units(old.split("\n"), new.split("\n"), "\n", _word_parts)
    return format_html_join(
        "", "{}", ((format_html(template, text),) for template, text in parts)
    )


def compare(old: dict, new: dict) -> list[FieldDiff]:
    old_fields, new_fields = _flatten(old), _flatten(new)
    return [
        FieldDiff(
            label=label,
            html=word_diff_html(old_fields[label], new_fields[label]),
            changed=old_fields[label] != new_fields[label],
        )
        for label in new_fields
    ]
