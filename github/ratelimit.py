"""A GitHub rate-limit budget shared by every process that uses the same token.

GitHub's limits are per token, not per worker: ten workers must together stay within one
token's allowance. The budget lives in Django's cache, which is Redis when ``REDIS_URL`` is
set (shared by all workers); without Redis it is the process's local memory, which is why
the embedded set-up runs a single worker process.

Per resource (``core`` for REST, ``graphql``, ``search`` for repository search, whose window
is a minute) it keeps the window's reset time and the
requests left. Each request takes one before it is sent (an atomic ``decr``); every answer
from GitHub corrects the count downwards with its own ``x-ratelimit-remaining``; a 403/429
rate-limit answer empties the budget until the reset, so other workers stop at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time

from django.core.cache import cache

from .errors import RateLimited


class RateBudget:
    def __init__(self, *, scope: str):
        self.scope = scope

    @classmethod
    def for_api(cls, base_url: str, token: str) -> RateBudget:
        # Keyed by a digest so the token never appears in a cache key (or in Redis' MONITOR).
        digest = hashlib.sha256(f"{base_url}\n{token}".encode()).hexdigest()[:16]
        return cls(scope=digest)

    def _keys(self, resource: str) -> tuple[str, str]:
        base = f"github:budget:{self.scope}:{resource}"
        return f"{base}:reset", f"{base}:left"

    def acquire(self, resource: str) -> None:
        """Take one request from the budget, or raise RateLimited until the window resets."""

        reset_key, left_key = self._keys(resource)
        reset = cache.get(reset_key)
        if reset is None or reset <= time.time():
            return  # no window known yet (or it has passed): GitHub's next answer tells us
        try:
            left = cache.decr(left_key)
        except ValueError:
            return
        if left < 0:
            reset_at = dt.datetime.fromtimestamp(reset, tz=dt.UTC)
            raise RateLimited(
                f"{resource} rate limit used up by MLTop's workers until {reset_at:%H:%M:%S} UTC", reset_at=reset_at
            )

    def observe(self, resource: str, *, remaining: int, reset: int) -> None:
        """Record what GitHub said is left in the window ending at ``reset`` (epoch seconds)."""
        reset_key, left_key = self._keys(resource)
        timeout = max(1, int(reset - time.time()) + 5)
        known_reset = cache.get(reset_key)
        left = cache.get(left_key)
        if known_reset != reset or left is None or remaining < left:
            cache.set_many({reset_key: reset, left_key: remaining}, timeout=timeout)

    def block(self, resource: str, *, reset_at: dt.datetime) -> None:
        """Nothing more for anyone until ``reset_at`` (after a 403/429 rate-limit answer)."""
        reset_key, left_key = self._keys(resource)
        reset = int(reset_at.timestamp())
        cache.set_many({reset_key: reset, left_key: 0}, timeout=max(1, int(reset - time.time()) + 5))

    def status(self, resource: str) -> tuple[int | None, int | None]:
        reset_key, left_key = self._keys(resource)
        return cache.get(left_key), cache.get(reset_key)
