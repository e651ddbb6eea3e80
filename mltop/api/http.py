"""HTTP caching for API responses: ETag, Last-Modified, 304s and Cache-Control."""

import hashlib

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date


class ConditionalGetMixin:
    """Validators and freshness for successful GETs of a viewset or API view.

    The ETag is a hash of the rendered body, so it changes exactly when what the client
    would see changes (a new publish, an edit, new figures). Views say when their data
    last changed by setting ``self.last_modified`` (an aware datetime) and how long it may
    be kept with ``cache_seconds()``; anything an authenticated client sees is private.
    """

    last_modified = None

    def cache_seconds(self) -> tuple[int, int]:
        """(max-age for browsers, s-maxage for shared caches such as a CDN)."""
        return settings.API_CACHE_MAX_AGE, settings.API_CACHE_MAX_AGE

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response.headers["ETag"] = etag
        timestamp = int(self.last_modified.timestamp()) if self.last_modified else None
        if timestamp is not None:
            response.headers["Last-Modified"] = http_date(timestamp)
        if request.user and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            max_age, shared_max_age = self.cache_seconds()
            patch_cache_control(response, public=True, max_age=max_age, s_maxage=shared_max_age)
        return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)
