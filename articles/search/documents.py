"""What a story's search document is built from, for every backend."""

# The captions and credits of a story's gallery and body photos (the story's
# own, or else the library's), as one text per story.
PHOTO_CAPTIONS_SQL = """
SELECT {aggregate}(trim(
           coalesce(nullif(placement.caption, ''), photo.caption, '') || ' '
           || coalesce(nullif(placement.credit, ''), photo.credit, '')), ' ')
       AS captions
FROM articles_storyimage AS placement
JOIN articles_image AS photo ON photo.id = placement.image_id
WHERE placement.article_id = article.id
"""


def document_parts(row) -> dict:
    return dict(zip(("headline", "standfirst", "body", "caption"), row, strict=True))


# Stored text is cleaned of C0 controls on save (``articles.text``), so these
# can only come from the highlighter: they are swapped for <mark> after the
# text around them is escaped.
MARK_START, MARK_STOP = "\x02", "\x03"
