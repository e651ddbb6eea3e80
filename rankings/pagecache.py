"""Caching what reader pages show until the next publish.

Keys carry ``rankings_generation()``, which publishing and unpublishing bump, so a publish
makes every cached page stale at once without deleting keys one by one. The data behind
a page is cached, and so is the HTML of its main content in each language (``fragment()``
for the ``{% cache %}`` tag); the frame around it carries the reader's CSRF token (the
language switcher posts a form), so it is rendered per request.
"""

from collections.abc import Callable
from hashlib import sha256

from mltop.caching import compute_once, generation

# Snapshot pages change only on publish; the timeout lets old generations age out.
SNAPSHOT_TIMEOUT = 24 * 60 * 60
# Pages that also show live star figures refresh within the hour after a stats refresh.
LIVE_TIMEOUT = 60 * 60


def generation_key(name: str) -> str | None:
    """The cache key of ``name`` in the current generation; None when the cache is down."""
    current = generation()
    if current is None:
        return None
    digest = sha256(name.encode()).hexdigest()[:32]
    return f"pages:{current}:{digest}"


def cached_by_generation(name: str, build: Callable, *, timeout: int = SNAPSHOT_TIMEOUT):
    """``build()``'s result, computed once per rankings generation however many readers miss
    at once (exceptions are not cached; a cache that is down means computing every time)."""
    key = generation_key(name)
    if key is None:
        return build()
    return compute_once(key, build, timeout=timeout)


def fragment(name: str, *, timeout: int = SNAPSHOT_TIMEOUT) -> dict:
    """What a template's ``{% cache fragment.timeout "page" fragment.key LANGUAGE_CODE %}`` needs."""
    return {"key": generation_key(name), "timeout": timeout}
