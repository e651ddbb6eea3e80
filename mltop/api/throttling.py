"""Throttling of anonymous clients: a counter per client and fixed window.

DRF's own throttles keep each client's list of request times and read it, then write it
back: two round trips to Redis and a pickled list on every API request, which profiling
showed to be the largest part of a cached ranking's cost on PostgreSQL + Redis. Here each
client has one integer per window of the rate's period (``120/minute``: per minute), shared
by every process in batches (``counters.BatchedCounters``: one exchange per process every
50 ms, not one per request), through Redis or, without it, through the cache that every
process on the machine shares (the disk cache). So the rate holds for the whole site however
many processes serve it, give or take what a client sends the other processes within about
two batching intervals (0.1 s). Only a cache that is one process's own (local memory, set
explicitly) or keeps nothing (the dummy cache) leaves the counts in the process
(``LocalCounters``). The price of the fixed window: a client may send up to twice the rate
across the boundary of two windows. Retry-After is the time left in the window.

The rate is read from settings at each request (DRF copies DEFAULT_THROTTLE_RATES when the
class is defined, so a rate changed in settings or by a test would not be seen). With the
shared store down, each process counts on its own until it is back.
"""

import math
from functools import cache as once

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from rest_framework.throttling import AnonRateThrottle

from .counters import BatchedCounters, CacheCounterStore, LocalCounters, RedisCounterStore

local_counters = LocalCounters()


@once
def redis_counters() -> BatchedCounters:
    from django_redis import get_redis_connection

    return BatchedCounters(RedisCounterStore(lambda: get_redis_connection("default")))


@once
def shared_counters() -> BatchedCounters:
    return BatchedCounters(CacheCounterStore(lambda: caches["default"]))


class AnonymousClientThrottle(AnonRateThrottle):
    # Set on Django's request once this throttle has counted it: True, or for a request counted
    # before the view (``count_early``) the verdict, (allowed, when, end of the window).
    COUNTED = "mltop_anon_throttle_counted"

    def get_rate(self):
        return settings.API_ANON_THROTTLE_RATE or None

    def allow_request(self, request, view):
        counted = getattr(getattr(request, "_request", request), self.COUNTED, None)
        if isinstance(counted, tuple):  # counted before the view: one count per request
            allowed, self.now, self.window_ends = counted
            return allowed
        if self.get_rate() is None:
            return True
        client_key = self.get_cache_key(request, view)  # None for authenticated clients
        if client_key is None:
            return True
        return self._count_request(getattr(request, "_request", request), client_key)

    @classmethod
    def count_early(cls, request) -> bool:
        """Count an anonymous request (Django's, no credentials) before any view sees it, as
        allow_request() would; False when it is over the limit. A view that then handles it
        reuses this verdict (a 429 with its Retry-After) instead of counting it again."""
        throttle = cls()
        if throttle.get_rate() is None:
            return True
        client_key = throttle.cache_format % {"scope": throttle.scope, "ident": throttle.get_ident(request)}
        allowed = throttle._count_request(request, client_key)
        setattr(request, cls.COUNTED, (allowed, throttle.now, throttle.window_ends))
        return allowed

    def _count_request(self, request, client_key: str) -> bool:
        self.num_requests, self.duration = self.parse_rate(self.get_rate())
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        count = self._count(f"{client_key}:{window}", expires_in=self.window_ends - self.now + 1)
        setattr(request, self.COUNTED, True)
        return count <= self.num_requests

    @staticmethod
    def _count(key: str, *, expires_in: float) -> int:
        """This request's number in the client's window."""
        backend = caches["default"]
        ttl = math.ceil(expires_in)
        if isinstance(backend, RedisCache):  # under the cache's key prefix, as any of its keys
            return redis_counters().add(backend.make_key(key), ttl=ttl)
        if isinstance(backend, LocMemCache | DummyCache):  # nothing shared to count through
            return local_counters.add(key, ttl=ttl)
        return shared_counters().add(key, ttl=ttl)

    def wait(self):
        return max(1, math.ceil(self.window_ends - self.now))
