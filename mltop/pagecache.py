"""Caching what reader pages show until the next publish.

Keys carry ``rankings_generation()``, which publishing and unpublishing bump, so a publish
makes every cached page stale at once without deleting keys one by one. Three layers, each
keyed by the generation:

- ``cached_page()``: the whole HTML page per URL and language, the same bytes for every
  reader: pages hold nothing of the reader's own (the language switcher is protected by
  the browser's Origin headers, not a per-reader token: ``mltop.views.language_switch``).
- ``fragment()``: the main content's HTML per language, for the ``{% cache %}`` tag, used
  when the whole page misses (another URL or language of a page whose data is cached).
- ``cached_by_generation()``: the data behind a page.
"""

from collections.abc import Callable
from hashlib import sha256

from django.http import HttpResponse
from django.utils.translation import get_language

from mltop.caching import compute_once, generation, local_copies
from mltop.responsecopies import keep_copy

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


def cached_page(request, name: str, render_page: Callable[[], HttpResponse], *, timeout: int) -> HttpResponse:
    """The page ``render_page()`` renders, from the cache or rendered once and cached.

    Pages here show the same thing to every reader (staff included) in a language, so one
    copy per URL (the language form's ``next`` field holds the path and query) and language
    serves all. ``render_page`` raises for pages that do not exist (Http404), which are never
    cached.
    """
    key = generation_key(f"html:{name}:{get_language()}:{request.get_full_path()}")
    if key is None:
        return render_page()
    content = compute_once(key, lambda: render_page().content, timeout=timeout, local=True)
    # The whole response may be kept for as long as this process keeps the page (mltop/responsecopies.py).
    keep_copy(request, until=local_copies.expires_at(key))
    return HttpResponse(content)
