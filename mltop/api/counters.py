"""Counters for the API throttle: shared by every process through Redis in batches, or local.

A Redis round trip on every API request would cost about half a trivial request
(docs/benchmarks.md, "Throttling"). So each process adds up its own increments and, at most
every ``interval`` seconds, sends them all in one pipeline (INCRBY, and EXPIRE the first
time) and reads back the totals every process has reached. A count is the total at the last
exchange plus what this process has added since; what other processes added since shows up
at the next exchange. So a client spread over several processes can get ahead of its limit
by what it sends them within one interval, and no more.

When Redis cannot be reached the counts stay this process's own (nothing is refused for
want of Redis) and the next exchange is tried ``retry_after`` seconds later, so a dead Redis
costs one connection timeout per process now and then, not one per request.
"""

import logging
import threading
import time

from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class BatchedCounters:
    def __init__(self, connect, *, interval: float = 0.05, retry_after: float = 5.0):
        """``connect()`` returns the redis-py client to use (called at each exchange)."""
        self._connect = connect
        self.interval = interval
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[int, int]] = {}  # key -> (increments since the exchange, ttl)
        # key -> (every process's total at the key's last exchange, when the key expires)
        self._totals: dict[str, tuple[int, float]] = {}
        self._sending: dict[str, tuple[int, int]] = {}  # increments on their way to Redis
        self._next_exchange = 0.0
        self._exchanging = False

    def add(self, key: str, *, ttl: int) -> int:
        """Count one more for ``key`` (a key that expires ``ttl`` seconds after its first count)
        and return the count as this process knows it."""
        now = time.time()
        with self._lock:
            pending, _ = self._pending.get(key, (0, ttl))
            self._pending[key] = (pending + 1, ttl)
            in_flight = self._sending.get(key, (0, ttl))[0]
            count = self._known(key, now) + in_flight + pending + 1
            due = not self._exchanging and now >= self._next_exchange
            if due:
                self._exchanging = True
        if due:
            self.exchange()
        return count

    def exchange(self) -> None:
        """Send this process's increments and read back every process's totals."""
        with self._lock:
            sending, self._pending = self._pending, {}
            self._sending = sending
            self._exchanging = True
        wait = self.interval
        now = time.time()
        try:
            totals = []
            if sending:
                pipe = self._connect().pipeline(transaction=False)
                for key, (increments, ttl) in sending.items():
                    pipe.incrby(key, increments)
                    pipe.expire(key, ttl, nx=True)
                totals = pipe.execute()[::2]
        except (RedisError, OSError):
            logger.warning("Redis unavailable: API throttling counts per process for now", exc_info=True)
            wait = self.retry_after
            with self._lock:  # counted here all the same: added to what this process knew
                totals = [self._known(key, now) + increments for key, (increments, _) in sending.items()]
        finally:
            with self._lock:
                # Keys whose window is over are forgotten; the others keep their last totals.
                self._totals = {key: known for key, known in self._totals.items() if known[1] > now}
                for (key, (_, ttl)), total in zip(sending.items(), totals, strict=False):
                    self._totals[key] = (total, self._totals.get(key, (0, now + ttl))[1])
                self._sending = {}
                self._next_exchange = now + wait
                self._exchanging = False

    def _known(self, key: str, now: float) -> int:
        total, expires = self._totals.get(key, (0, now))
        return total if expires > now else 0


class LocalCounters:
    """Counters kept in this process: what the local-memory cache would hold (it is this
    process's own too), without pickling each count in and out of it."""

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
