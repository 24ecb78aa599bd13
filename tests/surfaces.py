"""Where readers can come across a story: every surface ``published()`` feeds."""

from django.urls import reverse

from articles.models import Article

SURFACES = {
    "home",
    "section",
    "story page",
    "search",
    "rss",
    "sitemap",
    "news sitemap",
    "api",
}


def seen_on(client, story: Article, *, search_for: str) -> set[str]:
    """The reader surfaces that show ``story`` now, fetched over HTTP;
    ``search_for`` is a word of its headline."""
    search = client.get(reverse("articles:search"), {"q": search_for})
    found = {hit.story.pk for hit in search.context["hits"]}
    api = client.get("/api/v1/stories/", {"page_size": 100}).json()
    shown = {
        "home": story.headline in client.get("/").content.decode(),
        "section": story.headline
        in client.get(story.section.get_absolute_url()).content.decode(),
        "story page": client.get(story.get_absolute_url()).status_code == 200,
        "search": story.pk in found,
        "rss": story.headline in client.get("/feeds/rss/").content.decode(),
        "sitemap": story.slug in client.get("/sitemap-stories.xml").content.decode(),
        "news sitemap": story.headline
        in client.get("/news-sitemap.xml").content.decode(),
        "api": story.pk in {item["id"] for item in api["results"]},
    }
    return {surface for surface, visible in shown.items() if visible}
