"""The anonymous throttle: a counter per client and fixed window, one cache call a request."""

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


def test_a_request_costs_one_cache_call_after_the_first_of_its_window(api_client, settings):
    settings.API_ANON_THROTTLE_RATE = "100/minute"
    with time_machine.travel(START, tick=False):
        api_client.get("/api/authors/")  # creates the client's counter: incr fails, add
        with (
            mock.patch.object(cache, "incr", wraps=cache.incr) as incr,
            mock.patch.object(cache, "add", wraps=cache.add) as add,
            mock.patch.object(cache, "get", wraps=cache.get) as get,
            mock.patch.object(cache, "set", wraps=cache.set) as set_,
        ):
            for _ in range(5):
                assert api_client.get("/api/authors/").status_code == 200
    assert incr.call_count == 5
    assert add.call_count == get.call_count == set_.call_count == 0


def test_a_cache_that_is_down_lets_requests_through(api_client, settings):
    settings.API_ANON_THROTTLE_RATE = "1/minute"
    # What django-redis set to ignore connection errors answers when Redis is down.
    with mock.patch.object(cache, "incr", return_value=None):
        assert {api_client.get("/api/authors/").status_code for _ in range(3)} == {200}
