"""Signal handlers: page-cache invalidation, deferred until the change commits,
and search indexing."""

from django.db import transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from taggit.models import Tag

from articles import clock
from articles.delivery import cache
from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    Image,
    Section,
    StoryImage,
    TaggedArticle,
    TaggedImage,
)
from articles.photos import images
from articles.search import engine as search


def invalidate_reader_pages(**kwargs) -> None:
    cache.record_change()


def invalidate_if_readers_could_see(sender, instance, **kwargs) -> None:
    """Saves of never-approved drafts change nothing a reader sees."""
    if (
        instance.live_revision_id is not None
        or instance.status == Article.Status.WITHDRAWN
    ):
        invalidate_reader_pages()


def remove_image_files(sender, instance, **kwargs) -> None:
    """A deleted photo's original and renditions go once the deletion commits."""
    names, storage = images.stored_names(instance), instance.file.storage
    transaction.on_commit(lambda: images.delete_stored_files(names, storage))


def connect() -> None:
    connection_created.connect(clock.take_reading, dispatch_uid="newsroom-clock")
    post_save.connect(
        invalidate_if_readers_could_see,
        sender=Article,
        dispatch_uid="newsroom-cache-article",
    )
    post_delete.connect(
        invalidate_reader_pages,
        sender=Article,
        dispatch_uid="newsroom-cache-article-delete",
    )
    post_delete.connect(
        remove_image_files, sender=Image, dispatch_uid="newsroom-image-files"
    )
    for model in (
        Image,
        Section,
        Author,
        Byline,
        TaggedArticle,
        Tag,
        Correction,
        StoryImage,
        TaggedImage,
    ):
        for signal in (post_save, post_delete):
            signal.connect(
                invalidate_reader_pages,
                sender=model,
                dispatch_uid=f"newsroom-cache-{model.__name__}-{signal}",
            )
    m2m_changed.connect(
        invalidate_reader_pages,
        sender=Article.tags.through,
        dispatch_uid="newsroom-cache-tags",
    )
    post_save.connect(
        search.index_saved_article,
        sender=Article,
        dispatch_uid="newsroom-search-article",
    )
    post_delete.connect(
        search.index_deleted_article,
        sender=Article,
        dispatch_uid="newsroom-search-article-delete",
    )
    for signal in (post_save, post_delete):
        signal.connect(
            search.index_byline_story,
            sender=Byline,
            dispatch_uid=f"newsroom-search-byline-{signal}",
        )
        signal.connect(
            search.index_tagged_story,
            sender=TaggedArticle,
            dispatch_uid=f"newsroom-search-tagged-{signal}",
        )
        signal.connect(
            search.index_photo_story,
            sender=StoryImage,
            dispatch_uid=f"newsroom-search-photo-{signal}",
        )
    m2m_changed.connect(
        search.index_retagged_stories,
        sender=Article.tags.through,
        dispatch_uid="newsroom-search-tags",
    )
    for model in (Section, Author, Tag, Image):
        pre_save.connect(
            search.remember_indexed_values,
            sender=model,
            dispatch_uid=f"newsroom-search-before-{model.__name__}",
        )
        post_save.connect(
            search.index_stories_using,
            sender=model,
            dispatch_uid=f"newsroom-search-{model.__name__}",
        )
