"""Caching that cannot stampede and cannot take the site down.

`compute_once` fills a cache key at most once however many requests miss it together:
the first caller takes a lock (`cache.add`), the others poll briefly for its result, and
if the lock holder dies they compute anyway. Reader pages (rankings/pagecache.py) and the
ranking API keep their data under keys that carry the published-snapshot `generation()`,
bumped on publish and unpublish, so a publish invalidates all of them at once.

Values that never change under their key (rendered pages and API bodies, whose keys carry
the generation) can also be kept in the process (`local=True`): see `LocalCopies`.

A cache that fails (Redis down or slow) is logged and bypassed: the caller computes the
value itself. The page is slower, never an error. With Redis, django-redis is set to
ignore (and log) connection errors, so a dead Redis reads as an empty cache everywhere,
template fragments included; without the lock being visible, callers compute at once.
"""

import logging
import secrets
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache backend raises when its server is down or slow (Redis; sockets of others), or
# when the disk cache's SQLite files cannot be written (a full disk).
CACHE_ERRORS = (RedisError, OSError, sqlite3.Error)

_MISSING = object()


class LocalCopies:
    """The values last read under some keys, kept in this process for a few seconds at most.

    Spares a cache hit its Redis round trip and unpickling (docs/benchmarks.md). Only
    immutable values (bytes, frozen dataclasses of bytes) under keys that carry the rankings
    generation belong here, so a new generation retires every copy; `seconds` bounds what a
    copy adds to the staleness of live figures.
    """

    def __init__(self, *, size: int, seconds: float):
        self.size = size
        self.seconds = seconds
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return _MISSING
            if item[0] <= time.time():
                del self._items[key]
                return _MISSING
            self._items.move_to_end(key)
            return item[1]

    def expires_at(self, key: str) -> float | None:
        """When this process's copy of ``key`` expires (a time.time() value), None without one."""
        with self._lock:
            item = self._items.get(key)
        return item[0] if item is not None and item[0] > time.time() else None

    def set(self, key: str, value: Any, *, timeout: float) -> None:
        with self._lock:
            self._items[key] = (time.time() + min(timeout, self.seconds), value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def delete(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


local_copies = LocalCopies(size=256, seconds=30)


def compute_once(
    key: str,
    compute: Callable[[], Any],
    *,
    timeout: int,
    cacheable: Callable[[Any], bool] = lambda value: True,
    local: bool = False,
    lock_timeout: int = 30,
    wait: float = 5.0,
    poll: float = 0.02,
) -> Any:
    """The value cached at `key`, computed by `compute()` once across threads and processes.

    `cacheable(value)` says whether a computed value may be stored (an error page may not).
    Callers that find the lock taken poll for up to `wait` seconds; the lock itself expires
    after `lock_timeout`, so a holder that died stops blocking the key. After `wait` a
    caller computes on its own rather than keep a reader waiting. `local=True` keeps a copy
    in the process (`local_copies`), for immutable values under generation keys only.
    """
    if not local or not settings.CACHE_LOCAL_COPIES:
        return _compute_once(key, compute, timeout, cacheable, lock_timeout, wait, poll)
    value = local_copies.get(key)
    if value is _MISSING:
        value = _compute_once(key, compute, timeout, cacheable, lock_timeout, wait, poll)
        if cacheable(value):
            local_copies.set(key, value, timeout=timeout)
    return value


def _compute_once(key, compute, timeout, cacheable, lock_timeout, wait, poll):
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
                # The lock is gone. Either its holder just finished, and its value is there
                # now, or a cache that ignores its errors is down (nothing is readable) and
                # waiting would only delay the reader.
                value = cache.get(key, _MISSING)
                return value if value is not _MISSING else compute()
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


# How long a process trusts the generation it last read, sparing cached requests a Redis round
# trip: a publish made in another process shows here within this many seconds, one made in this
# process at once (`generation_changed`).
GENERATION_SECONDS = 1.0
_GENERATION_COPY = "rankings:generation"


RANKINGS_GENERATION_KEY = "rankings:generation"


def rankings_generation() -> int:
    """The cache generation of published rankings: bumped on every publish and unpublish.

    It never expires, and if the cache loses it anyway (eviction, a Redis restart) it starts
    again from the clock, so a generation is never reused and no stale page can come back.
    """
    return cache.get_or_set(RANKINGS_GENERATION_KEY, time.time_ns, timeout=None)


def generation_bump() -> None:
    """Move every process to a new generation: called once a publish or unpublish commits."""
    try:
        try:
            cache.incr(RANKINGS_GENERATION_KEY)
        except ValueError:
            cache.set(RANKINGS_GENERATION_KEY, time.time_ns(), timeout=None)
    except CACHE_ERRORS:
        # The publish is committed; a cache that is down holds no pages to invalidate.
        logger.error("could not bump the rankings cache generation", exc_info=True)
    finally:
        generation_changed()


def generation() -> int | None:
    """The published-rankings generation, or None when the cache cannot be reached."""
    current = local_copies.get(_GENERATION_COPY) if settings.CACHE_LOCAL_COPIES else _MISSING
    if current is not _MISSING:
        return current
    asked = time.time()
    try:
        current = rankings_generation()
    except CACHE_ERRORS:
        logger.warning("cache unavailable; serving pages uncached", exc_info=True)
        return None
    if settings.CACHE_LOCAL_COPIES:
        # Trusted for GENERATION_SECONDS from when it was asked for, not from when the answer
        # came: a read that waited (a busy process, a slow cache) may have been answered just
        # before a bump, and must not stretch how long that publish takes to show here.
        local_copies.set(_GENERATION_COPY, current, timeout=GENERATION_SECONDS - (time.time() - asked))
    return current


def generation_changed() -> None:
    """Forget this process's copy of the generation: it was just bumped."""
    local_copies.delete(_GENERATION_COPY)
