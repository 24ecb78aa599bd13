"""Signal handlers: page-cache invalidation, deferred until the change commits."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag

from . import cache
from .models import Article, Author, Byline, Correction, Image, Section, TaggedArticle


def invalidate_reader_pages(**kwargs) -> None:
    transaction.on_commit(cache.bump_generation)


def invalidate_if_readers_could_see(sender, instance, **kwargs) -> None:
    """Saves of never-approved drafts change nothing a reader sees."""
    if (
        instance.live_revision_id is not None
        or instance.status == Article.Status.WITHDRAWN
    ):
        invalidate_reader_pages()


def connect() -> None:
    post_save.connect(invalidate_if_readers_could_see, sender=Article,
                      dispatch_uid="newsroom-cache-article")  # fmt: skip
    post_delete.connect(invalidate_reader_pages, sender=Article,
                        dispatch_uid="newsroom-cache-article-delete")  # fmt: skip
    for model in (Image, Section, Author, Byline, TaggedArticle, Tag, Correction):
        for signal in (post_save, post_delete):
            signal.connect(invalidate_reader_pages, sender=model,
                           dispatch_uid=f"newsroom-cache-{model.__name__}-{signal}")  # fmt: skip
    m2m_changed.connect(invalidate_reader_pages, sender=Article.tags.through,
                        dispatch_uid="newsroom-cache-tags")  # fmt: skip
