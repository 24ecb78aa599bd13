"""Signal handlers: page-cache invalidation (what each change touches is
``articles.delivery.invalidation``'s), deferred until the change commits,
and search indexing."""

from django.db import transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from taggit.models import Tag

from articles import clock
from articles.delivery import invalidation
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


def remove_image_files(sender, instance, **kwargs) -> None:
    """A deleted photo's original and renditions go once the deletion commits."""
    names, storage = images.stored_names(instance), instance.file.storage
    transaction.on_commit(lambda: images.delete_stored_files(names, storage))


def connect() -> None:
    connection_created.connect(clock.take_reading, dispatch_uid="newsroom-clock")
    connect_invalidation()
    post_delete.connect(
        remove_image_files, sender=Image, dispatch_uid="newsroom-image-files"
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


def connect_invalidation() -> None:
    pre_save.connect(
        invalidation.remember_placing, sender=Article, dispatch_uid="newsroom-placing"
    )
    post_save.connect(
        invalidation.story_saved, sender=Article, dispatch_uid="newsroom-cache-article"
    )
    post_delete.connect(
        invalidation.story_deleted,
        sender=Article,
        dispatch_uid="newsroom-cache-article-delete",
    )
    handlers = {
        Byline: invalidation.byline_changed,
        TaggedArticle: invalidation.story_tag_changed,
        Correction: invalidation.story_part_changed,
        StoryImage: invalidation.story_part_changed,
        Section: invalidation.section_changed,
        Author: invalidation.author_changed,
        Tag: invalidation.tag_changed,
        Image: invalidation.photo_changed,
        TaggedImage: invalidation.photo_keywords_changed,
    }
    for model, handler in handlers.items():
        for signal in (post_save, post_delete):
            signal.connect(
                handler,
                sender=model,
                dispatch_uid=f"newsroom-cache-{model.__name__}-{signal}",
            )
    m2m_changed.connect(
        invalidation.story_tags_changed,
        sender=Article.tags.through,
        dispatch_uid="newsroom-cache-tags",
    )
