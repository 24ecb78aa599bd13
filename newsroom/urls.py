import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from articles.health import healthz, readyz
from articles.reader.sitemaps import (
    news_sitemap,
    robots_txt,
    sitemap_index,
    sitemap_section,
)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Password reset, before the admin's catch-all.
    path("admin/", include("articles.accounts")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("articles.api.urls")),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap_index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
    path("news-sitemap.xml", news_sitemap, name="news-sitemap"),
    path("", include("articles.reader.urls")),
]

if settings.NEWSROOM_SERVE_MEDIA:
    # Development and single-machine trials only: in production the web
    # server or object storage serves media (see README "Deployment").
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns.insert(
        0,
        re_path(
            rf"^{media_prefix}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        ),
    )

handler400 = "articles.reader.views.bad_request"

admin.site.site_header = "Newsroom admin"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Newsroom"
