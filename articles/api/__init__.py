"""The read-only JSON API (``/api/v1/``): live stories, sections, tags and authors.

Everything it shows starts from ``Article.objects.published()``, like the
website; it authenticates nobody and sets no cookies, so the reader page cache
serves it like any other anonymous page.
"""
