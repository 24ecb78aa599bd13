"""Login protection and account recovery.

Which client address django-axes throttles logins on, and the password-reset
pages, whose e-mailed links are built from ``SITE_URL``, never from the
request's Host header (CVE-2012-4520).
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path


def client_ip(request) -> str:
    """The client's address, trusting exactly ``NEWSROOM_TRUSTED_PROXY_COUNT`` proxies.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so behind N proxies the client is the N-th entry from the
    right; anything further left was sent by the client and may be forged.
    Without proxies (or with a malformed header) the socket address counts.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.NEWSROOM_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [
        hop.strip()
        for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if hop.strip()
    ]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


class SiteURLPasswordResetView(auth_views.PasswordResetView):
    """Password reset whose e-mailed link always points at ``SITE_URL``: these
    values replace the request's host and scheme in the e-mail's context."""

    @property
    def extra_email_context(self):
        site = urlsplit(settings.SITE_URL)
        return {
            "protocol": site.scheme,
            "domain": site.netloc,
            "site_name": settings.SITE_NAME,
        }


# Included under /admin/ before the admin's own URLs. The names are the ones
# the admin login page ("Forgotten your password?") and Django's auth views use.
urlpatterns = [
    path(
        "password_reset/",
        SiteURLPasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
