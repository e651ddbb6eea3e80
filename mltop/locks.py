"""Run locks shared by every process: one style for every long periodic job.

A lock is a cache key taken with ``cache.add`` (atomic in Redis and in the file-based cache
alike) holding its owner's token; only the owner releases it, and it expires on its own so
a worker that died does not block the next run for longer than ``timeout``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache


def lock_acquire(key: str, *, timeout: int, token: str | None = None) -> str | None:
    """Take the lock at ``key``; its token, or None when someone else holds it."""
    token = token or secrets.token_hex(8)
    return token if cache.add(key, token, timeout=timeout) else None


def lock_release(key: str, *, token: str) -> None:
    """Release the lock at ``key`` if ``token`` still holds it (it may have expired and been retaken)."""
    if cache.get(key) == token:
        cache.delete(key)


def lock_holder(key: str) -> str | None:
    return cache.get(key)


@contextmanager
def held(key: str, *, timeout: int) -> Iterator[bool]:
    """``with held(KEY, timeout=...) as acquired:``; released on the way out if it was taken."""
    token = lock_acquire(key, timeout=timeout)
    try:
        yield token is not None
    finally:
        if token is not None:
            lock_release(key, token=token)
