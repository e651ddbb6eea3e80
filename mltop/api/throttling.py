"""Throttling of anonymous clients: a counter per client and fixed window.

DRF's own throttles read and write back each client's list of request times, two Redis round
trips per API request (docs/benchmarks.md, "Throttling"). Here each client has one integer per
window of the rate's period (``120/minute``: per minute). With Redis the counters are shared
by every process in batches (``counters.BatchedCounters``: one round trip per process every
50 ms, not one per request); with the local-memory cache, which is each process's own, they
are kept in the process as well (``LocalCounters``).
The price is the fixed window's: a client may send up to twice the rate across the boundary
of two windows. Retry-After is the time left in the window.

The rate is read from settings at each request (DRF copies DEFAULT_THROTTLE_RATES when the
class is defined, so a rate changed in settings or by a test would not be seen). With Redis
down, each process counts on its own until it is back.
"""

import math
from functools import cache as once

from django.conf import settings
from django.core.cache import caches
from django_redis.cache import RedisCache
from rest_framework.throttling import AnonRateThrottle

from .counters import BatchedCounters, LocalCounters

local_counters = LocalCounters()


@once
def redis_counters() -> BatchedCounters:
    from django_redis import get_redis_connection

    return BatchedCounters(lambda: get_redis_connection("default"))


class AnonymousClientThrottle(AnonRateThrottle):
    def get_rate(self):
        return settings.API_ANON_THROTTLE_RATE or None

    def allow_request(self, request, view):
        rate = self.get_rate()
        if rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(rate)
        client_key = self.get_cache_key(request, view)  # None for authenticated clients
        if client_key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        count = self._count(f"{client_key}:{window}", expires_in=self.window_ends - self.now + 1)
        return count <= self.num_requests

    @staticmethod
    def _count(key: str, *, expires_in: float) -> int:
        """This request's number in the client's window."""
        backend = caches["default"]
        if isinstance(backend, RedisCache):  # under the cache's key prefix, as any of its keys
            return redis_counters().add(backend.make_key(key), ttl=math.ceil(expires_in))
        return local_counters.add(key, ttl=math.ceil(expires_in))

    def wait(self):
        return max(1, math.ceil(self.window_ends - self.now))
