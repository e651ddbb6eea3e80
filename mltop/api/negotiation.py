"""Content negotiation that answers what nearly every client sends without parsing it.

DRF's negotiation parses the Accept header and the query string on every request, a noticeable
share of a cached API response (docs/benchmarks.md). When the view's first renderer is JSON and
the client sends no Accept header, ``*/*`` or ``application/json``, and no ``format``, DRF's
answer is always that renderer with its own media type, so it is given at once. Anything
else, a 406 included, goes through DRF's negotiation as before.
"""

from rest_framework.negotiation import DefaultContentNegotiation

JSON = "application/json"
ANY_JSON = ("*/*", JSON)


class JSONFirstNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        first = renderers[0] if renderers else None
        if (
            first is not None
            and first.media_type == JSON
            and format_suffix is None
            and request.META.get("HTTP_ACCEPT", "*/*") in ANY_JSON
            and not self._format_asked(request)
        ):
            return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)

    def _format_asked(self, request) -> bool:
        # Most requests have no query string: no need to parse one to learn it has no format.
        return bool(request.META.get("QUERY_STRING")) and self.settings.URL_FORMAT_OVERRIDE in request.GET
