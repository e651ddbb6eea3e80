"""Counters for the API throttle: shared by every process in batches (through Redis or Django's
cache), or kept in one process.

A round trip to the shared store costs this process about as much as half a whole trivial
request (about 110 us to Redis measured on the benchmark machine; a SQLite transaction in the
disk cache costs more), so a throttle that increments a shared counter on every API request
makes every API request half as fast again. Here each process adds up its own increments and,
at most every ``interval`` seconds, sends them all at once and reads back the totals every
process has reached (``RedisCounterStore``: one pipeline of INCRBY and EXPIRE; ``CacheCounterStore``:
Django's cache, ``add`` or else ``incr`` per key, both atomic). A count is the total at this
process's last exchange plus what it has added since; the request that finds an exchange due
makes it before it is counted, so what a process knows is never more than ``interval`` old
while it serves requests. What other processes counted since shows up at the next exchange:
a client spread over several processes can get ahead of its limit by what it sends the other
processes within about two intervals (theirs not yet sent, ours not yet read), and no more.

When the store cannot be reached the counts stay this process's own (nothing is refused for
want of it) and the next exchange is tried ``retry_after`` seconds later, so a dead Redis
costs one connection timeout per process now and then, not one per request.
"""

import logging
import threading
import time
from collections.abc import Callable

from redis.exceptions import RedisError

from mltop.caching import CACHE_ERRORS

logger = logging.getLogger(__name__)

Batch = dict[str, tuple[int, int]]  # key -> (increments, ttl in seconds)


class RedisCounterStore:
    """The batch in one pipeline: INCRBY each key, and EXPIRE it only if it has no expiry yet."""

    name = "Redis"
    errors = (RedisError, OSError)

    def __init__(self, connect: Callable):
        self._connect = connect  # returns the redis-py client to use (called at each exchange)

    def add(self, batch: Batch) -> list[int]:
        pipe = self._connect().pipeline(transaction=False)
        for key, (increments, ttl) in batch.items():
            pipe.incrby(key, increments)
            pipe.expire(key, ttl, nx=True)
        return pipe.execute()[::2]


class CacheCounterStore:
    """Django's cache, for a cache that every process shares but that is not django-redis (the
    disk cache): ``add`` sets a key's first count with its expiry, ``incr`` adds to it. Both
    are atomic in that cache, so no count is lost however many processes send at once."""

    name = "The shared cache"
    errors = CACHE_ERRORS

    def __init__(self, cache: Callable):
        self._cache = cache  # returns the cache to use (Django's are per thread)

    def add(self, batch: Batch) -> list[int]:
        cache = self._cache()
        return [self._add(cache, key, increments, ttl) for key, (increments, ttl) in batch.items()]

    @staticmethod
    def _add(cache, key: str, increments: int, ttl: int) -> int:
        for _ in range(3):
            if cache.add(key, increments, timeout=ttl):
                return increments
            try:
                return cache.incr(key, increments)
            except ValueError:  # it expired between the add and the incr: a new window
                continue
        return increments  # a cache that neither adds nor increments keeps nothing to share


class BatchedCounters:
    def __init__(self, store, *, interval: float = 0.05, retry_after: float = 5.0):
        """``store`` sends a batch of increments and returns the totals: a ``RedisCounterStore``
        or a ``CacheCounterStore``."""
        self.store = store
        self.interval = interval
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._pending: Batch = {}  # key -> (increments since the exchange, ttl)
        # key -> (every process's total at the key's last exchange, when the key expires)
        self._totals: dict[str, tuple[int, float]] = {}
        self._sending: Batch = {}  # increments on their way to the store
        self._next_exchange = 0.0
        self._exchanging = False

    def add(self, key: str, *, ttl: int) -> int:
        """Count one more for ``key`` (a key that expires ``ttl`` seconds after its first count)
        and return the count as this process knows it."""
        now = time.time()
        with self._lock:
            pending, _ = self._pending.get(key, (0, ttl))
            self._pending[key] = (pending + 1, ttl)
            if self._exchanging or now < self._next_exchange:
                return self._count(key, now)
            sending = self._take()
        # Exchange first: this request is then counted on every process's totals, not on what
        # this process knew at its last exchange, however long ago that was. It is the last of
        # the batch, so its count is the key's total just after the batch: requests that other
        # threads counted meanwhile come after it and are not in it.
        return self._send(sending)[key]

    def exchange(self) -> None:
        """Send this process's increments and read back every process's totals."""
        with self._lock:
            sending = self._take()
        self._send(sending)

    def _take(self) -> Batch:
        """The increments to send, taken out of the pending ones (under the lock)."""
        sending, self._pending = self._pending, {}
        self._sending = sending
        self._exchanging = True
        return sending

    def _send(self, sending: Batch) -> dict[str, int]:
        wait = self.interval
        now = time.time()
        totals: dict[str, int] = {}
        try:
            if sending:
                totals = dict(zip(sending, self.store.add(sending), strict=True))
        except self.store.errors:
            logger.warning("%s unavailable: API throttling counts per process for now", self.store.name, exc_info=True)
            wait = self.retry_after
            with self._lock:  # counted here all the same: added to what this process knew
                totals = {key: self._known(key, now) + increments for key, (increments, _) in sending.items()}
        finally:
            with self._lock:
                # Keys whose window is over are forgotten; the others keep their last totals.
                self._totals = {key: known for key, known in self._totals.items() if known[1] > now}
                for key, total in totals.items():
                    self._totals[key] = (total, self._totals.get(key, (0, now + sending[key][1]))[1])
                self._sending = {}
                self._next_exchange = now + wait
                self._exchanging = False
        return totals

    def _count(self, key: str, now: float) -> int:
        """Every process's total at the last exchange plus what this process added since (under the lock)."""
        in_flight = self._sending.get(key, (0, 0))[0]
        return self._known(key, now) + in_flight + self._pending.get(key, (0, 0))[0]

    def _known(self, key: str, now: float) -> int:
        total, expires = self._totals.get(key, (0, now))
        return total if expires > now else 0


class LocalCounters:
    """Counters kept in this process, for a cache that is itself the process's own (local memory,
    set explicitly) or keeps nothing (Django's dummy cache): nothing to share them through."""

    def __init__(self, *, size: int = 100_000):
        self.size = size
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}  # key -> (count, when it expires)

    def add(self, key: str, *, ttl: int) -> int:
        now = time.time()
        with self._lock:
            count, expires = self._counts.get(key, (0, now + ttl))
            if expires <= now:
                count, expires = 0, now + ttl
            self._counts[key] = (count + 1, expires)
            if len(self._counts) > self.size:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            return count + 1

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()
