"""Middleware of the whole site."""


class HeadWithoutBodyMiddleware:
    """Answers HEAD with the headers GET would have, and no body.

    Views answer HEAD as GET (Django's generic views, DRF, ``require_safe``), body included;
    runserver and Django's test client drop it, but gunicorn sends it, and a kept-alive client
    then reads those bytes as the start of the next response. Outermost, so that every header
    (Content-Length of the GET body, as RFC 9110 allows, ETag, Cache-Control) is already set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                response.streaming_content = []  # the original iterator is still closed with the response
            else:
                response.content = b""
        return response
