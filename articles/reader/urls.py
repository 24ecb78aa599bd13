from django.urls import path, register_converter

from articles.reader import feeds, views


class UnicodeSlugConverter:
    """Slugs keep Unicode letters (a CJK headline gets a CJK address)."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class TwoDigitConverter:
    regex = r"[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(UnicodeSlugConverter, "uslug")
register_converter(TwoDigitConverter, "dd")

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("preview/<str:token>/", views.shared_preview, name="shared-preview"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<uslug:slug>/", views.AuthorView.as_view(), name="author"),
    path("feeds/rss/", feeds.LatestStoriesFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.LatestStoriesAtomFeed(), name="feed-atom"),
    path(
        "section/<slug:slug>/rss/",
        feeds.SectionStoriesFeed(),
        name="section-feed-rss",
    ),
    path(
        "section/<slug:slug>/atom/",
        feeds.SectionStoriesAtomFeed(),
        name="section-feed-atom",
    ),
    path("tag/<uslug:slug>/rss/", feeds.TagStoriesFeed(), name="tag-feed-rss"),
    path("tag/<uslug:slug>/atom/", feeds.TagStoriesAtomFeed(), name="tag-feed-atom"),
    path("author/<uslug:slug>/rss/", feeds.AuthorStoriesFeed(), name="author-feed-rss"),
    path(
        "author/<uslug:slug>/atom/",
        feeds.AuthorStoriesAtomFeed(),
        name="author-feed-atom",
    ),
    path("archive/<int:year>/", views.YearArchive.as_view(), name="archive-year"),
    path(
        "archive/<int:year>/<int:month>/",
        views.MonthArchive.as_view(),
        name="archive-month",
    ),
    path(
        "archive/<int:year>/<int:month>/<int:day>/",
        views.DayArchive.as_view(),
        name="archive-day",
    ),
    path(
        "<slug:section>/<int:year>/<dd:month>/<dd:day>/<uslug:slug>/",
        views.StoryView.as_view(),
        name="story",
    ),
]
