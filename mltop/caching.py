"""Caching that cannot stampede and cannot take the site down.

`compute_once` fills a cache key at most once however many requests miss it together:
the first caller takes a lock (`cache.add`), the others poll briefly for its result, and
if the lock holder dies they compute anyway. Reader pages (rankings/pagecache.py) and the
ranking API keep their data under keys that carry the published-snapshot `generation()`,
bumped on publish and unpublish, so a publish invalidates all of them at once.

A cache that fails (Redis down or slow) is logged and bypassed: the caller computes the
value itself. The page is slower, never an error. With Redis, django-redis is set to
ignore (and log) connection errors, so a dead Redis reads as an empty cache everywhere,
template fragments included; without the lock being visible, callers compute at once.
"""

import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
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
            if cache.get(lock_key) is None:
                # The holder may have just stored the value and released the lock between our
                # two reads: look once more before computing.
                value = cache.get(key, _MISSING)
                if value is not _MISSING:
                    return value
                # Neither value nor lock is readable: a cache that ignores its errors is down;
                # waiting would only delay the reader.
                return compute()
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
