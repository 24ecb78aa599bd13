from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles.health import healthz
from articles.sitemaps import news_sitemap, robots_txt, sitemap_index, sitemap_section

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Password reset, before the admin's catch-all.
    path("admin/", include("articles.accounts")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("articles.api.urls")),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap_index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
    path("news-sitemap.xml", news_sitemap, name="news-sitemap"),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

admin.site.site_header = "Newsroom admin"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Newsroom"
