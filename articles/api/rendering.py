"""How API responses are represented: JSON chosen by URL, with HTML-inert bytes."""

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer


class URLFormatNegotiation(DefaultContentNegotiation):
    """The representation depends on the URL alone (``?format=``), never on Accept.

    The reader page cache keys responses by URL, so a response chosen by the
    Accept header could be replayed to a client that asked for another one
    (YAML for a JSON client, or the browsable page when ``DEBUG`` is on).
    Without ``?format=`` the view's first renderer answers; an unknown format
    is a 404.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        requested = format_suffix or request.query_params.get(
            self.settings.URL_FORMAT_OVERRIDE
        )
        if requested:
            renderers = self.filter_renderers(renderers, requested)
        renderer = renderers[0]
        return renderer, renderer.media_type


class HTMLSafeJSONRenderer(JSONRenderer):
    """JSON in which ``<``, ``>`` and ``&`` are written as ``\\u003c``-style escapes.

    The parsed values are unchanged, but a hostile headline cannot close a
    ``<script>`` block if a partner embeds the response in a page, nor be
    rendered as markup by a sniffing browser (Django's ``json_script`` does the
    same). Those characters only ever occur inside JSON strings, so replacing
    the bytes is safe.
    """

    ESCAPES = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"))

    def render(self, data, accepted_media_type=None, renderer_context=None):
        content = super().render(data, accepted_media_type, renderer_context)
        for character, escape in self.ESCAPES:
            content = content.replace(character, escape)
        return content
