"""The anonymous throttle: a counter per client and fixed window."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache

pytestmark = pytest.mark.django_db

# 20 seconds into a minute: the window ends in 40.
START = dt.datetime(2026, 11, 30, 12, 0, 20, tzinfo=dt.UTC)


def test_a_client_gets_the_rate_per_window_and_waits_for_the_next(api_client, settings):
    settings.API_ANON_THROTTLE_RATE = "3/minute"
    with time_machine.travel(START, tick=False) as traveller:
        assert [api_client.get("/api/authors/").status_code for _ in range(4)] == [200, 200, 200, 429]
        refused = api_client.get("/api/authors/")
        assert refused.status_code == 429 and refused["Retry-After"] == "40"
        assert refused.json()["detail"] == "Request was throttled. Expected available in 40 seconds."
        traveller.shift(39)
        assert api_client.get("/api/authors/")["Retry-After"] == "1"
        traveller.shift(1)  # the next minute
        assert [api_client.get("/api/authors/").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_clients_are_counted_apart(api_client, settings):
    settings.API_ANON_THROTTLE_RATE = "1/minute"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    with time_machine.travel(START, tick=False):
        first = [api_client.get("/api/authors/", HTTP_X_FORWARDED_FOR="10.0.0.1").status_code for _ in range(2)]
        second = [api_client.get("/api/authors/", HTTP_X_FORWARDED_FOR="10.0.0.2").status_code for _ in range(2)]
    assert first == second == [200, 429]


def test_counting_a_request_makes_no_cache_call(api_client, settings):
    # In local memory the counts are the process's own; with Redis they go in batches
    # (tests/api/test_counters.py), and time stands still here, so no batch is due.
    settings.API_ANON_THROTTLE_RATE = "100/minute"
    with time_machine.travel(START, tick=False):
        api_client.get("/api/authors/")  # the first: with Redis, exchanged at once
        with (
            mock.patch.object(cache, "incr", wraps=cache.incr) as incr,
            mock.patch.object(cache, "add", wraps=cache.add) as add,
            mock.patch.object(cache, "get", wraps=cache.get) as get,
            mock.patch.object(cache, "set", wraps=cache.set) as set_,
        ):
            for _ in range(5):
                assert api_client.get("/api/authors/").status_code == 200
    assert incr.call_count == add.call_count == get.call_count == set_.call_count == 0


def test_with_redis_down_clients_are_still_throttled_on_each_process_counts(api_client, settings):
    settings.API_ANON_THROTTLE_RATE = "2/minute"
    # django-redis as production sets it up, on a port where no Redis answers.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    with time_machine.travel(START, tick=False):
        assert [api_client.get("/api/authors/").status_code for _ in range(3)] == [200, 200, 429]
