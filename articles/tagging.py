"""Tag names as editors type them: cleaned, without repeats, and bounded.

The limits are checked before each name is cleaned, so a pasted list of
twenty thousand tags is refused at once instead of being worked through.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag

from articles.text import clean_text

TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length


def max_tags() -> int:
    return settings.NEWSROOM_MAX_TAGS


def tags_help_text() -> str:
    return _(
        "Comma-separated, at most %(limit)s tags of up to %(length)s characters, "
        "e.g. “frigates, Royal Navy”."
    ) % {"limit": max_tags(), "length": TAG_MAX_LENGTH}


def too_many_tags(count: int) -> ValidationError:
    return ValidationError(
        _("At most %(limit)s tags are allowed; there are %(count)s. Remove some.")
        % {"limit": max_tags(), "count": count},
        code="too_many_tags",
    )


def validate_typed_tags(value: str) -> None:
    """Refuse a typed list longer than the most tags could be, before it is split."""
    if value and len(value) > max_tags() * (TAG_MAX_LENGTH + 3):
        raise too_many_tags(value.count(",") + 1)


def clean_tag_names(raw_names: list[str]) -> list[str]:
    """Names cleaned like any plain text, each once (ignoring case), each fitting
    taggit's column and with a letter or digit for its page's address."""
    if len(raw_names) > max_tags():
        raise too_many_tags(len(raw_names))
    names, seen = [], set()
    for raw in raw_names:
        name = clean_text(raw)
        if not name or name.lower() in seen:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(
                _(
                    "A tag can be at most %(limit)s characters long; "
                    "shorten the one that starts “%(start)s…”."
                ),
                params={"limit": TAG_MAX_LENGTH, "start": name[:30]},
                code="tag_too_long",
            )
        if not slugify(name, allow_unicode=True):
            raise ValidationError(
                _("The tag “%(name)s” needs at least one letter or digit."),
                params={"name": name},
                code="tag_without_letters",
            )
        seen.add(name.lower())
        names.append(name)
    return names


def bound_tag_field(field) -> None:
    """Give a form's tag field the limits and say them in its help text."""
    field.validators.append(validate_typed_tags)
    field.help_text = tags_help_text()
