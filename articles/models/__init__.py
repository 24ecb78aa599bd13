"""Newsroom's models, in rooms: stories, photos, the editorial record and the
content version. Django and callers import them from here."""

from articles.models.content import (
    SLUG_MAX_LENGTH,
    Article,
    Author,
    Byline,
    Section,
    TaggedArticle,
    unique_slug,
)
from articles.models.editorial import (
    Correction,
    EditPresence,
    PreviewLink,
    Revision,
    WorkflowEvent,
)
from articles.models.photos import (
    Image,
    StoryImage,
    StoryImagesManager,
    TaggedImage,
    image_upload_to,
)
from articles.models.versions import Change, ContentVersion

__all__ = [
    "SLUG_MAX_LENGTH",
    "Article",
    "Author",
    "Byline",
    "Change",
    "ContentVersion",
    "Correction",
    "EditPresence",
    "Image",
    "PreviewLink",
    "Revision",
    "Section",
    "StoryImage",
    "StoryImagesManager",
    "TaggedArticle",
    "TaggedImage",
    "WorkflowEvent",
    "image_upload_to",
    "unique_slug",
]
