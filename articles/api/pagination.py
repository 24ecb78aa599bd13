"""Page-number pagination whose links never take their host from the request."""

from django.conf import settings
from rest_framework import pagination
from rest_framework.utils.urls import remove_query_param, replace_query_param


class PageNumberPagination(pagination.PageNumberPagination):
    """``PAGE_SIZE`` per page; ``page_size`` may ask for up to 100.

    A ``page`` that is not a page number in range is DRF's 404; a bad
    ``page_size`` falls back to the default, a huge one is capped.
    Next/previous links are built from ``SITE_URL``: the page cache may replay
    them to any client, whatever Host header the first one sent.
    """

    page_size_query_param = "page_size"
    max_page_size = 100

    def page_link(self, number: int) -> str:
        url = settings.SITE_URL + self.request.get_full_path()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_next_link(self):
        if not self.page.has_next():
            return None
        return self.page_link(self.page.next_page_number())

    def get_previous_link(self):
        if not self.page.has_previous():
            return None
        return self.page_link(self.page.previous_page_number())
