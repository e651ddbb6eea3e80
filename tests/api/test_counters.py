"""Counters shared through a real Redis in batches (mltop.api.counters.py)."""

import os

import pytest
import redis
import time_machine

from mltop.api.counters import BatchedCounters, LocalCounters

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

    counters = BatchedCounters(connect, interval=0.05)
    with time_machine.travel(START, tick=False) as traveller:
        assert [counters.add("mltop-test-batched:0", ttl=60) for _ in range(5)] == [1, 2, 3, 4, 5]
        assert len(sent) == 1  # the first add exchanged at once; the next four wait for the interval
        assert int(client.get("mltop-test-batched:0")) == 1
        traveller.shift(0.05)
        assert counters.add("mltop-test-batched:0", ttl=60) == 6
        assert len(sent) == 2 and int(client.get("mltop-test-batched:0")) == 6
        assert 0 < client.ttl("mltop-test-batched:0") <= 60


def test_processes_see_each_others_counts_at_their_next_exchange(client):
    one, two = BatchedCounters(lambda: client), BatchedCounters(lambda: client)
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(10):
            one.add("mltop-test-batched:1", ttl=60)
        traveller.shift(1)
        one.add("mltop-test-batched:1", ttl=60)  # sends the nine that waited: Redis holds 11
        assert two.add("mltop-test-batched:1", ttl=60) == 1  # its first: only its own so far...
        traveller.shift(1)
        assert two.add("mltop-test-batched:1", ttl=60) == 13  # ...then every process's
        assert int(client.get("mltop-test-batched:1")) == 13


def test_a_window_that_is_over_is_forgotten(client):
    counters = BatchedCounters(lambda: client)
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

    counters = BatchedCounters(connect, interval=0.05, retry_after=5)
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
