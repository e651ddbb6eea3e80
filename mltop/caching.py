"""Caching that cannot stampede and cannot take the site down.

`compute_once` fills a cache key at most once however many requests miss it together:
the first caller takes a lock (`cache.add`), the others poll briefly for its result, and
if the lock holder dies they compute anyway. `cache_per_generation` uses it to keep whole
responses per published-snapshot generation (`rankings_generation()`, bumped on publish
and unpublish), so a publish invalidates every cached page and API response at once.

A cache that fails (Redis down or slow) is logged and bypassed: the caller computes the
value itself. The page is slower, never an error.
"""

import functools
import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache backend raises when its server is down or slow (Redis; sockets of others).
CACHE_ERRORS = (RedisError, OSError)

_MISSING = object()


def compute_once(
    key: str,
    compute: Callable[[], Any],
    *,
    timeout: int,
    cacheable: Callable[[Any], bool] = lambda value: True,
    lock_timeout: int = 30,
    wait: float = 5.0,
    poll: float = 0.02,
) -> Any:
    """The value cached at `key`, computed by `compute()` once across threads and processes.

    `cacheable(value)` says whether a computed value may be stored (an error page may not).
    Callers that find the lock taken poll for up to `wait` seconds; the lock itself expires
    after `lock_timeout`, so a holder that died stops blocking the key. After `wait` a
    caller computes on its own rather than keep a reader waiting.
    """
    lock_key = f"{key}:lock"
    token = secrets.token_hex(8)
    deadline = time.monotonic() + wait
    try:
        while True:
            value = cache.get(key, _MISSING)
            if value is not _MISSING:
                return value
            if cache.add(lock_key, token, timeout=lock_timeout):
                break
            if time.monotonic() >= deadline:
                logger.warning("cache key %s still locked after %.1fs; computing without it", key, wait)
                return compute()
            time.sleep(poll)
    except CACHE_ERRORS:
        logger.warning("cache unavailable; computing %s without it", key, exc_info=True)
        return compute()

    try:
        value = compute()
        if cacheable(value):
            _cache_call(cache.set, key, value, timeout=timeout)
        return value
    finally:
        # Only our own lock: if ours expired, another caller may hold the key by now.
        if _cache_call(cache.get, lock_key) == token:
            _cache_call(cache.delete, lock_key)


def _cache_call(method, *args, **kwargs):
    try:
        return method(*args, **kwargs)
    except CACHE_ERRORS:
        logger.warning("cache unavailable during %s", method.__name__, exc_info=True)
        return None


def generation() -> int | None:
    """The published-rankings generation, or None when the cache cannot be reached."""
    from rankings.services import rankings_generation

    try:
        return rankings_generation()
    except CACHE_ERRORS:
        logger.warning("cache unavailable; serving pages uncached", exc_info=True)
        return None


def response_cache_key(request, *, generation: int, vary_on: tuple[str, ...] = ()) -> str:
    """One key per generation, absolute URL (scheme, host, path, query), language and `vary_on` headers."""
    parts = [request.build_absolute_uri(), translation.get_language() or ""]
    parts += [request.headers.get(header, "") for header in vary_on]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"response:{generation}:{digest}"


def _shareable(request, response) -> bool:
    """Whether a response may be served to other readers: a plain 200 with nothing personal in it.

    Requests with a session cookie never get here, so a session read on the way was empty.
    """
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        # A page that carries a CSRF token belongs to the reader it was made for.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _local_tier():
    """The process's own copy of responses in front of a shared cache (settings.CACHES["local"]).

    With Redis, a hit then costs one small round trip (the generation) instead of two and the
    transfer of the page; the generation key still comes from Redis, so a publish anywhere
    invalidates every process at once.
    """
    from django.core.cache import caches

    return caches["local"] if "local" in settings.CACHES else None


def cache_per_generation(view=None, *, vary_on: tuple[str, ...] = (), timeout: int | None = None):
    """Cache a view's whole response until the next publish or unpublish (or `timeout`).

    Only anonymous GETs are cached; a request with a session cookie or an Authorization
    header always reaches the view. Function views: `@cache_per_generation`. Class-based
    and DRF views: `@method_decorator(cache_per_generation(vary_on=("Accept",)), name="dispatch")`
    (DRF picks JSON or HTML by the Accept header, so it must be part of the key).
    """

    def decorator(view_func):
        @functools.wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if (
                request.method != "GET"
                or settings.SESSION_COOKIE_NAME in request.COOKIES
                or "Authorization" in request.headers
            ):
                return view_func(request, *args, **kwargs)
            current = generation()
            if current is None:
                return view_func(request, *args, **kwargs)

            def render():
                response = view_func(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                return response

            key = response_cache_key(request, generation=current, vary_on=vary_on)
            seconds = settings.PAGE_CACHE_SECONDS if timeout is None else timeout
            local = _local_tier()
            if local is not None:
                response = _cache_call(local.get, key)
                if response is not None:
                    return response
            response = compute_once(
                key, render, timeout=seconds, cacheable=lambda response: _shareable(request, response)
            )
            if local is not None and _shareable(request, response):
                _cache_call(local.set, key, response, timeout=seconds)
            return response

        return wrapper

    return decorator(view) if view is not None else decorator
