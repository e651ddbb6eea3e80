"""Throttling of anonymous clients: a counter per client and fixed window, one cache call a request.

DRF's own throttles keep each client's list of request times and read it, then write it
back: two round trips to Redis and a pickled list on every API request, which profiling
showed to be the largest part of a cached ranking's cost on PostgreSQL + Redis. Here each
client has one integer per window of the rate's period (``120/minute``: per minute),
incremented in the cache (Redis INCR), so a request costs one call, two for a client's
first request of a window. The price is the fixed window's: a client may send up to twice
the rate across the boundary of two windows. Retry-After is the time left in the window.

The rate is read from settings at each request (DRF copies DEFAULT_THROTTLE_RATES when the
class is defined, so a rate changed in settings or by a test would not be seen). A cache
that is down counts nothing and lets requests through, as it does for DRF's throttles.
"""

import math

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle


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
        return count is None or count <= self.num_requests

    @staticmethod
    def _count(key: str, *, expires_in: float) -> int | None:
        """This request's number in the window; None when the cache is down (django-redis
        set to ignore connection errors answers None)."""
        try:
            return cache.incr(key)
        except ValueError:  # the client's first request in this window
            if cache.add(key, 1, timeout=math.ceil(expires_in)):
                return 1
            return cache.incr(key)  # another request of the client's created it meanwhile

    def wait(self):
        return max(1, math.ceil(self.window_ends - self.now))
