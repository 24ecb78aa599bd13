"""Revision snapshots: take one, apply one to a story, render one, compare two.

A snapshot holds everything an editor can change about a story, so a
revision can be previewed, compared, restored or approved on its own.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from .models import Article, Author, Byline, Image, Revision, Section
from .text import html_to_text

SCALAR_FIELDS = [
    "headline",
    "standfirst",
    "body",
    "dateline",
    "source",
    "lead_image_caption",
    "seo_title",
    "seo_description",
]
TIME_FIELDS = ["expire_at", "embargo_until"]


def take_snapshot(article: Article, *, authors: list[Author], tags: list[str]) -> dict:
    """The content of ``article`` (possibly unsaved edits) with these bylines and tags."""
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


def preview_instance(article: Article, snapshot: dict) -> Article:
    """An unsaved copy of ``article`` showing ``snapshot``, ready for the story template."""
    copy = Article.objects.get(pk=article.pk)
    assign_fields(copy, snapshot)
    copy.section = Section.objects.get(pk=copy.section_id)
    copy.lead_image = Image.objects.filter(pk=copy.lead_image_id).first()
    authors = Author.objects.in_bulk([author["id"] for author in snapshot["authors"]])
    copy._prefetched_objects_cache = {
        "bylines": [
            Byline(article=copy, author=authors[author["id"]], order=order)
            for order, author in enumerate(snapshot["authors"])
            if author["id"] in authors
        ],
        "tags": [Tag(name=name, slug=name) for name in snapshot["tags"]],
    }
    return copy


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
        str(_("Body")): html_to_text(snapshot.get("body", "")),
        str(_("Section")): snapshot["section"]["name"],
        str(_("Bylines")): ", ".join(author["name"] for author in snapshot["authors"]),
        str(_("Tags")): ", ".join(snapshot.get("tags", [])),
        str(_("Dateline")): snapshot.get("dateline", ""),
        str(_("Source")): snapshot.get("source", ""),
        str(_("Lead photo")): image.get("title", ""),
        str(_("Photo caption")): snapshot.get("lead_image_caption")
        or image.get("caption", ""),
        str(_("Photo credit")): image.get("credit", ""),
        str(_("Embargo until")): snapshot.get("embargo_until") or "",
        str(_("Expire at")): snapshot.get("expire_at") or "",
    }


def word_diff_html(old: str, new: str) -> str:
    """Word-level inline diff, every piece escaped by ``format_html``."""
    old_words, new_words = _WORDS.findall(old), _WORDS.findall(new)
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
