"""HTTP caching for API responses: ETag, Last-Modified, 304s and Cache-Control, and bodies
rendered once and kept in the cache."""

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from rest_framework.renderers import JSONRenderer

from mltop.caching import compute_once

# The request headers get_conditional_response() reads.
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


# A ranking's Last-Modified is the same for every request until the next publish.
_http_date = lru_cache(maxsize=1024)(http_date)


@lru_cache(maxsize=64)
def _public_cache_control(max_age: int, shared_max_age: int) -> str:
    """What ``patch_cache_control(public=True, max_age=..., s_maxage=...)`` writes on a response
    without Cache-Control, worked out once per pair of ages."""
    response = HttpResponse()
    patch_cache_control(response, public=True, max_age=max_age, s_maxage=shared_max_age)
    return response.headers["Cache-Control"]


def etag_of(content: bytes) -> str:
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


@dataclass(frozen=True)
class RenderedBody:
    """A response body as sent (JSON bytes), with its validators: what the cache keeps.

    Keeping the bytes rather than the data spares every hit the JSON rendering and the
    hashing for the ETag.
    """

    content: bytes
    etag: str
    last_modified: dt.datetime | None = None

    @classmethod
    def of(cls, data, *, last_modified: dt.datetime | None = None) -> "RenderedBody":
        content = JSONRenderer().render(data)
        return cls(content, etag_of(content), last_modified)


class ConditionalGetMixin:
    """Validators and freshness for successful GETs of a viewset or API view.

    The ETag is a hash of the rendered body, so it changes exactly when what the client
    would see changes (a new publish, an edit, new figures). Views say when their data
    last changed by setting ``self.last_modified`` (an aware datetime) and how long it may
    be kept with ``cache_seconds()``; anything an authenticated client sees is private.
    """

    last_modified = None

    def row_last_modified(self, row) -> dt.datetime | None:
        """When one row of a list last changed, if it can be dated (None: it cannot)."""
        return None

    def paginate_queryset(self, queryset):
        """The page, and the newest date of its rows as the list's Last-Modified.

        From rows already loaded, so no query more. A row that leaves the page (deleted,
        filtered out) dates nothing; the ETag, which If-None-Match checks first, changes then.
        """
        page = super().paginate_queryset(queryset)
        dated = [day for day in map(self.row_last_modified, page or []) if day is not None]
        if dated:
            self.last_modified = max(dated)
        return page

    def cache_seconds(self) -> tuple[int, int]:
        """(max-age for browsers, s-maxage for shared caches such as a CDN)."""
        return settings.API_CACHE_MAX_AGE, settings.API_CACHE_MAX_AGE

    def rendered_response(self, body: RenderedBody) -> HttpResponse:
        """A 200 with a body rendered earlier: DRF passes it through as it is."""
        self.last_modified = body.last_modified
        response = HttpResponse(body.content, content_type="application/json")
        response.headers["ETag"] = body.etag
        return response

    def cached_by_url(self, request, build: Callable[[], object], *, timeout: int) -> HttpResponse:
        """``build()``'s response data, rendered once per URL and kept ``timeout`` seconds.

        For reads whose data changes with refreshes rather than publishes: they are kept no
        longer than their Cache-Control already lets any shared cache keep them, and only for
        anonymous clients. The key is the absolute URL because the body holds absolute links
        (pagination). Errors are raised, never kept.
        """
        if timeout <= 0 or (request.user and request.user.is_authenticated):
            # Editors may have just changed what they read: they always get it fresh.
            return self.rendered_response(self._render(build))
        digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:32]
        body = compute_once(f"api:url:{digest}", lambda: self._render(build), timeout=timeout)
        return self.rendered_response(body)

    def _render(self, build) -> RenderedBody:
        data = build()
        return RenderedBody.of(getattr(data, "data", data), last_modified=self.last_modified)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        etag = response.headers.get("ETag")
        if etag is None:
            response.render()
            etag = etag_of(response.content)
            response.headers["ETag"] = etag
        timestamp = int(self.last_modified.timestamp()) if self.last_modified else None
        if timestamp is not None:
            response.headers["Last-Modified"] = _http_date(timestamp)
        if request.user and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        elif "Cache-Control" in response.headers:
            max_age, shared_max_age = self.cache_seconds()
            patch_cache_control(response, public=True, max_age=max_age, s_maxage=shared_max_age)
        else:  # the usual case, and a hot path: the same few values again and again
            response.headers["Cache-Control"] = _public_cache_control(*self.cache_seconds())
        if not any(header in request.META for header in CONDITIONAL_HEADERS):
            return response  # nothing to compare: spares parsing what is not there on most requests
        return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)
