"""Whole responses to anonymous readers, kept in the process and served before the middleware.

A cached page or ranking body still went through the whole middleware stack (sessions,
locale, CORS, CSRF, auth, messages, CSP, axes) and, for the API, DRF's view machinery, to
send bytes it already had: most of a warm hit's cost (docs/benchmarks.md). Here the first
full pass of a response that a view marked (``keep_copy``: pages from ``cached_page()``,
ranking bodies) is kept as sent, status, headers and body, and later requests with the same
key get it at once from ``ResponseCopyMiddleware``, high in the stack.

The key holds every input the full pass's bytes and headers depend on for a reader that
carries nothing of its own: the rankings generation, host, scheme, path and query, the
language LocaleMiddleware would pick (URL, cookie, Accept-Language), Accept (DRF's
negotiation) and Origin (CORS). Only such readers are served: GET or HEAD, no Authorization
header, and no cookie but the language and CSRF ones, which change nothing a kept response
holds. Anyone logged in has a session cookie and so always gets the full pass (admin links,
draft previews), as does any request whose response is not kept.

Invalidation is as it was: a copy lives no longer than the process's copy of the value it was
rendered from (``LocalCopies``, under a key that carries the generation), and the generation
is part of its own key, so a publish retires it exactly when it retires the page.

Conditional requests: the kept 200's ETag and Last-Modified decide, as the view would; a 304
is served from a kept copy of the 304 the full pass gave for that key (made by the next such
request otherwise). HEAD gets the GET copy; HeadWithoutBodyMiddleware, outside, drops the body.
Throttling still counts every API request: a copy made from a throttled response counts its
reader's request here, and a reader over the limit gets the full pass, which answers the 429
with the count already made (``mltop.api.throttling``).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language_from_request

from mltop.api.throttling import AnonymousClientThrottle
from mltop.caching import LocalCopies, generation

# Set on the request by a view whose response may be kept: when the value it was rendered
# from expires in this process.
KEEP_UNTIL = "mltop_keep_response_until"
# Set on the request when the anonymous API throttle counted it (a copy must count it too).
THROTTLED = AnonymousClientThrottle.COUNTED

copies = LocalCopies(size=512, seconds=30)


@dataclass(frozen=True)
class KeptResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    throttled: bool  # the anonymous API throttle counted the request that made it
    etag: str | None
    last_modified: int | None  # seconds since the epoch, as get_conditional_response() takes it

    @classmethod
    def of(cls, response, *, throttled: bool) -> "KeptResponse":
        last_modified = response.headers.get("Last-Modified")
        return cls(
            status=response.status_code,
            headers=tuple(response.headers.items()),
            content=response.content,
            throttled=throttled,
            etag=response.headers.get("ETag"),
            last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        )

    def response(self) -> HttpResponse:
        headers = dict(self.headers)
        response = HttpResponse(self.content, status=self.status, headers=headers)
        if "Content-Type" not in headers:
            del response.headers["Content-Type"]  # a 304 has none: HttpResponse would add its default
        return response


def keep_copy(request, *, until: float | None) -> None:
    """Let the response to ``request`` be kept until ``until`` (time.time()), if it is kept at all.

    ``until`` is the expiry of this process's copy of the value the response was rendered from
    (``local_copies.expires_at(key)``); None (no such copy: the cache is down or copies are off)
    keeps nothing. Takes Django's request or DRF's.
    """
    if until is not None:
        setattr(getattr(request, "_request", request), KEEP_UNTIL, until)


# Cookies that change nothing a kept response holds: the language one is part of the key (as
# the language it picks); the CSRF one only matters to forms, which kept pages do not have.
HARMLESS_COOKIES = frozenset((settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME))
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


def response_key(request) -> tuple | None:
    """What a kept response for ``request`` is filed under; None if it must get the full pass."""
    meta = request.META
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in meta:
        return None
    if "HTTP_COOKIE" in meta and not HARMLESS_COOKIES.issuperset(request.COOKIES):
        return None
    current = generation()
    if current is None:  # the cache is down: nothing is kept
        return None
    return (
        current,
        meta.get("HTTP_HOST"),
        meta.get("HTTP_X_FORWARDED_HOST") if settings.USE_X_FORWARDED_HOST else None,
        request.is_secure(),
        meta.get("PATH_INFO"),
        meta.get("QUERY_STRING"),
        get_language_from_request(request),
        meta.get("HTTP_ACCEPT"),
        meta.get("HTTP_ORIGIN"),
    )


class ResponseCopyMiddleware:
    """Serves kept responses to anonymous GET and HEAD; keeps those views marked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = response_key(request)
        if key is None:
            return self.get_response(request)
        kept = copies.get(key)
        if isinstance(kept, KeptResponse) and (not kept.throttled or AnonymousClientThrottle.count_early(request)):
            served = self._serve(request, key, kept)
            if served is not None:
                return served
        response = self.get_response(request)
        self._keep(request, key, response)
        return response

    @staticmethod
    def _serve(request, key, kept: KeptResponse) -> HttpResponse | None:
        """The kept response, its 304 when the request's validators match, or None: full pass."""
        validators = kept.etag is not None or kept.last_modified is not None
        if not validators or not any(header in request.META for header in CONDITIONAL_HEADERS):
            return kept.response()
        verdict = get_conditional_response(request, etag=kept.etag, last_modified=kept.last_modified)
        if verdict is None:
            return kept.response()
        if verdict.status_code == 304:
            not_modified = copies.get((*key, 304))
            if isinstance(not_modified, KeptResponse):
                return not_modified.response()
        return None  # a 304 not kept yet, or a 412: the full pass answers (and keeps the 304)

    @staticmethod
    def _keep(request, key, response) -> None:
        until = getattr(request, KEEP_UNTIL, None)
        if until is None or request.method != "GET" or response.cookies or response.streaming:
            return
        if response.status_code == 200:
            filed_under = key
        elif response.status_code == 304:
            filed_under = (*key, 304)
        else:
            return
        if generation() != key[0]:  # published meanwhile: the response may be of the new generation
            return
        kept = KeptResponse.of(response, throttled=bool(getattr(request, THROTTLED, False)))
        copies.set(filed_under, kept, timeout=until - time.time())
