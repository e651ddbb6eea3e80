"""Counters shared in batches through a real Redis or the disk cache (mltop/api/counters.py)."""

import os

import pytest
import redis
import time_machine
from diskcache import DjangoCache

from mltop.api.counters import BatchedCounters, CacheCounterStore, LocalCounters, RedisCounterStore

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
START = 1_800_000_000


@pytest.fixture
def client():
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.fail(f"these tests need Redis at {REDIS_URL} (.ci/run starts it)")
    keys = [f"mltop-test-batched:{n}" for n in range(3)]
    connection.delete(*keys)
    yield connection
    connection.delete(*keys)


def test_counts_are_exact_within_one_process_and_sent_in_one_round_trip_per_interval(client):
    sent = []

    def connect():
        sent.append(1)
        return client

    counters = BatchedCounters(RedisCounterStore(connect), interval=0.05)
    with time_machine.travel(START, tick=False) as traveller:
        assert [counters.add("mltop-test-batched:0", ttl=60) for _ in range(5)] == [1, 2, 3, 4, 5]
        assert len(sent) == 1  # the first add exchanged at once; the next four wait for the interval
        assert int(client.get("mltop-test-batched:0")) == 1
        traveller.shift(0.05)
        assert counters.add("mltop-test-batched:0", ttl=60) == 6
        assert len(sent) == 2 and int(client.get("mltop-test-batched:0")) == 6
        assert 0 < client.ttl("mltop-test-batched:0") <= 60


def test_processes_see_each_others_counts_at_their_next_exchange(client):
    one, two = BatchedCounters(RedisCounterStore(lambda: client)), BatchedCounters(RedisCounterStore(lambda: client))
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(10):
            one.add("mltop-test-batched:1", ttl=60)  # the first is sent at once; nine wait
        assert two.add("mltop-test-batched:1", ttl=60) == 2  # its first exchange: one's first and its own
        assert two.add("mltop-test-batched:1", ttl=60) == 3  # within the interval: its own added
        traveller.shift(1)
        # Sends its ten: every process's count but the one two has not sent yet.
        assert one.add("mltop-test-batched:1", ttl=60) == 12
        assert two.add("mltop-test-batched:1", ttl=60) == 14  # sends its two: every count there is
        assert int(client.get("mltop-test-batched:1")) == 14


def test_a_process_idle_for_a_while_exchanges_before_counting(client):
    # Its last exchange is old news: the request that finds one due waits for it, so it is
    # counted on every process's total, not on what this process knew seconds ago.
    one, two = BatchedCounters(RedisCounterStore(lambda: client)), BatchedCounters(RedisCounterStore(lambda: client))
    with time_machine.travel(START, tick=False) as traveller:
        assert two.add("mltop-test-batched:1", ttl=60) == 1
        for _ in range(5):
            traveller.shift(1)
            one.add("mltop-test-batched:1", ttl=60)  # each one sent at once: due every time
        traveller.shift(10)
        assert two.add("mltop-test-batched:1", ttl=60) == 7


def test_a_window_that_is_over_is_forgotten(client):
    counters = BatchedCounters(RedisCounterStore(lambda: client))
    with time_machine.travel(START, tick=False) as traveller:
        assert counters.add("mltop-test-batched:2", ttl=2) == 1
        traveller.shift(3)
        client.delete("mltop-test-batched:2")  # as Redis expires it
        assert counters.add("mltop-test-batched:2", ttl=2) == 1


def test_without_redis_counts_stay_local_and_the_next_try_waits(caplog):
    tries = []

    def connect():
        tries.append(1)
        return redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)

    counters = BatchedCounters(RedisCounterStore(connect), interval=0.05, retry_after=5)
    with time_machine.travel(START, tick=False) as traveller:
        assert [counters.add("k", ttl=60) for _ in range(3)] == [1, 2, 3]
        traveller.shift(1)
        assert counters.add("k", ttl=60) == 4 and len(tries) == 1  # no new try before 5 s
        traveller.shift(5)
        assert counters.add("k", ttl=60) == 5 and len(tries) == 2
    assert "Redis unavailable" in caplog.text


def test_local_counters_count_until_their_key_expires_and_stay_bounded():
    counters = LocalCounters(size=3)
    with time_machine.travel(START, tick=False) as traveller:
        assert [counters.add("a", ttl=2) for _ in range(3)] == [1, 2, 3]
        counters.add("b", ttl=2)
        counters.add("c", ttl=10)
        traveller.shift(3)
        assert counters.add("a", ttl=2) == 1  # its window is over: a new count
        counters.add("d", ttl=10)  # a fourth key, past the size: expired ones are dropped
        assert sorted(counters._counts) == ["a", "c", "d"]
        assert counters.add("c", ttl=10) == 2


@pytest.fixture
def disk_cache(tmp_path):
    """The embedded default's cache (diskcache's Django backend) in a folder of the test's own."""
    cache = DjangoCache(str(tmp_path / "cache"), {})
    yield cache
    cache.close()


def test_through_the_disk_cache_processes_see_each_others_counts_at_their_next_exchange(disk_cache):
    # Two processes' counters, each with its own connection to the same folder.
    other = DjangoCache(disk_cache.directory, {})
    one = BatchedCounters(CacheCounterStore(lambda: disk_cache))
    two = BatchedCounters(CacheCounterStore(lambda: other))
    with time_machine.travel(START, tick=False) as traveller:
        assert [one.add("k", ttl=60) for _ in range(3)] == [1, 2, 3]  # the first sent at once
        assert disk_cache.get("k") == 1
        assert two.add("k", ttl=60) == 2  # its first: one's first and its own
        traveller.shift(1)
        assert one.add("k", ttl=60) == 5  # sends its three (the add then the incr by three)
        assert two.add("k", ttl=60) == 6
        assert disk_cache.get("k") == other.get("k") == 6
    other.close()


def test_through_the_disk_cache_a_window_that_is_over_starts_again(disk_cache):
    counters = BatchedCounters(CacheCounterStore(lambda: disk_cache))
    with time_machine.travel(START, tick=False) as traveller:
        assert counters.add("k", ttl=2) == 1
        traveller.shift(3)  # the key expired in the cache (its ttl) and in the counters
        assert counters.add("k", ttl=2) == 1
        assert disk_cache.get("k") == 1


def test_a_cache_that_cannot_be_written_leaves_the_counts_local(tmp_path, caplog):
    class FullDisk:
        def add(self, *args, **kwargs):
            raise OSError(28, "No space left on device")

    counters = BatchedCounters(CacheCounterStore(FullDisk), retry_after=5)
    with time_machine.travel(START, tick=False):
        assert [counters.add("k", ttl=60) for _ in range(3)] == [1, 2, 3]
    assert "The shared cache unavailable" in caplog.text


def test_the_request_that_exchanges_is_counted_before_those_counted_while_it_waits(disk_cache):
    meanwhile = []

    class SlowStore(CacheCounterStore):
        def add(self, batch):
            # Another thread's request, counted while this batch is on its way to the cache.
            meanwhile.append(counters.add("k", ttl=60))
            return super().add(batch)

    counters = BatchedCounters(SlowStore(lambda: disk_cache))
    with time_machine.travel(START, tick=False):
        assert counters.add("k", ttl=60) == 1  # not 2: the one counted meanwhile came after it
        assert meanwhile == [2]
        assert counters.add("k", ttl=60) == 3
