import logging
import socket
import threading
import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from mltop.caching import cache_per_generation, compute_once, response_cache_key
from rankings.services import snapshot_publish, snapshot_unpublish


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


class Counter:
    def __init__(self, value="computed", delay=0.0):
        self.calls = 0
        self.value = value
        self.delay = delay
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            self.calls += 1
        time.sleep(self.delay)
        return self.value


def test_concurrent_misses_compute_once():
    compute = Counter(delay=0.2)
    workers = 8
    barrier = threading.Barrier(workers)
    results = []

    def read():
        barrier.wait()
        results.append(compute_once("test:stampede", compute, timeout=60))

    threads = [threading.Thread(target=read) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert compute.calls == 1
    assert results == ["computed"] * workers


def test_a_hit_does_not_compute():
    cache.set("test:hit", "stored", 60)
    compute = Counter()
    assert compute_once("test:hit", compute, timeout=60) == "stored"
    assert compute.calls == 0


def test_a_cached_none_is_a_hit():
    compute = Counter(value=None)
    assert compute_once("test:none", compute, timeout=60) is None
    assert compute_once("test:none", compute, timeout=60) is None
    assert compute.calls == 1


def test_callers_compute_themselves_when_the_lock_holder_died(caplog):
    cache.add("test:orphan:lock", "a worker that was killed", timeout=60)
    compute = Counter()
    with caplog.at_level(logging.WARNING, logger="mltop.caching"):
        assert compute_once("test:orphan", compute, timeout=60, wait=0.1) == "computed"
    assert compute.calls == 1
    assert "still locked" in caplog.text


def test_a_released_lock_without_a_value_is_taken_over():
    cache.add("test:failed:lock", "holder", timeout=60)
    threading.Timer(0.1, cache.delete, args=["test:failed:lock"]).start()
    compute = Counter()
    assert compute_once("test:failed", compute, timeout=60, wait=5) == "computed"
    assert compute.calls == 1
    assert cache.get("test:failed") == "computed"
    assert cache.get("test:failed:lock") is None


def test_uncacheable_values_are_returned_but_not_stored():
    compute = Counter(value="error page")
    assert compute_once("test:uncacheable", compute, timeout=60, cacheable=lambda v: False) == "error page"
    assert compute_once("test:uncacheable", compute, timeout=60, cacheable=lambda v: False) == "error page"
    assert compute.calls == 2
    assert cache.get("test:uncacheable:lock") is None


def test_compute_once_bypasses_a_cache_that_is_down(redis_down, caplog):
    compute = Counter()
    with caplog.at_level(logging.WARNING, logger="mltop.caching"):
        assert compute_once("test:down", compute, timeout=60) == "computed"
    assert compute.calls == 1
    assert "cache unavailable" in caplog.text


def test_response_cache_key_varies_with_path_query_language_and_headers():
    factory = RequestFactory()
    base = response_cache_key(factory.get("/rankings/1/"), generation=1)
    assert base != response_cache_key(factory.get("/rankings/2/"), generation=1)
    assert base != response_cache_key(factory.get("/rankings/1/?page=2"), generation=1)
    assert base != response_cache_key(factory.get("/rankings/1/"), generation=2)
    assert base == response_cache_key(factory.get("/rankings/1/"), generation=1)
    json_key = response_cache_key(
        factory.get("/api/", HTTP_ACCEPT="application/json"), generation=1, vary_on=("Accept",)
    )
    html_key = response_cache_key(factory.get("/api/", HTTP_ACCEPT="text/html"), generation=1, vary_on=("Accept",))
    assert json_key != html_key
    from django.utils import translation

    with translation.override("zh-hans"):
        assert base != response_cache_key(factory.get("/rankings/1/"), generation=1)


@pytest.mark.django_db
def test_concurrent_requests_render_a_view_once():
    rendered = Counter(delay=0.2)

    @cache_per_generation
    def view(request):
        return HttpResponse(f"page {rendered()}")

    workers = 6
    barrier = threading.Barrier(workers)
    bodies = []

    def request():
        barrier.wait()
        bodies.append(view(RequestFactory().get("/concurrent/")).content)

    threads = [threading.Thread(target=request) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert rendered.calls == 1
    assert bodies == [b"page computed"] * workers


@pytest.mark.django_db
class TestHomePageCache:
    def test_cold_then_warm_query_counts(self, client, seeded, django_assert_num_queries):
        with django_assert_num_queries(4):
            cold = client.get("/")
        with django_assert_num_queries(0):
            warm = client.get("/")
        assert cold.status_code == warm.status_code == 200
        assert warm.content == cold.content
        assert "Mybridge Top 10 · February 2018" in warm.content.decode()

    def test_each_language_is_cached_apart(self, client, seeded, django_assert_num_queries):
        client.get("/", HTTP_ACCEPT_LANGUAGE="en")
        with django_assert_num_queries(4):
            chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert 'lang="zh-hans"' in chinese.content.decode()
        with django_assert_num_queries(0):
            english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
        assert 'lang="en"' in english.content.decode()

    def test_publish_invalidates(
        self, client, seeded, ranking_snapshot_factory, ranking_entry_factory, django_capture_on_commit_callbacks
    ):
        assert "Mybridge Top 10" in client.get("/").content.decode()
        newer = ranking_snapshot_factory(title="Top 10 of this week")
        ranking_entry_factory(snapshot=newer, rank=1)
        with django_capture_on_commit_callbacks(execute=True):
            snapshot_publish(snapshot=newer)
        assert "Top 10 of this week" in client.get("/").content.decode()

    def test_unpublish_invalidates(self, client, seeded, django_capture_on_commit_callbacks):
        assert "Mybridge Top 10" in client.get("/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            snapshot_unpublish(snapshot=seeded)
        assert "No ranking published yet" in client.get("/").content.decode()

    def test_signed_in_editors_are_never_served_from_the_cache(
        self, client, staff_client, seeded, django_assert_max_num_queries
    ):
        client.get("/")
        response = staff_client.get("/")
        assert response.status_code == 200
        with django_assert_max_num_queries(10) as captured:
            staff_client.get("/")
        assert len(captured) >= 4

    def test_a_cache_that_is_down_is_bypassed(self, client, seeded, redis_down, caplog):
        with caplog.at_level(logging.WARNING, logger="mltop.caching"):
            response = client.get("/")
        assert response.status_code == 200
        assert "Mybridge Top 10" in response.content.decode()
        assert "cache unavailable" in caplog.text

    def test_publishing_while_the_cache_is_down_still_publishes(
        self, seeded, ranking_snapshot_factory, ranking_entry_factory, redis_down, django_capture_on_commit_callbacks
    ):
        newer = ranking_snapshot_factory(title="Published during an outage")
        ranking_entry_factory(snapshot=newer, rank=1)
        with django_capture_on_commit_callbacks(execute=True):
            snapshot_publish(snapshot=newer)
        newer.refresh_from_db()
        assert newer.is_published


@pytest.mark.django_db
class TestCurrentRankingApiCache:
    def test_cold_then_warm_query_counts(self, client, seeded, django_assert_num_queries):
        with django_assert_num_queries(4):
            cold = client.get("/api/rankings/current/")
        with django_assert_num_queries(0):
            warm = client.get("/api/rankings/current/")
        assert warm.status_code == 200
        assert warm.json() == cold.json()
        assert warm["Content-Type"] == "application/json"

    def test_browsable_html_and_json_are_cached_apart(self, client, seeded):
        assert client.get("/api/rankings/current/").json()["id"] == seeded.pk
        html = client.get("/api/rankings/current/", HTTP_ACCEPT="text/html")
        assert html["Content-Type"].startswith("text/html")
        assert client.get("/api/rankings/current/")["Content-Type"] == "application/json"

    def test_publish_and_unpublish_invalidate(
        self, client, seeded, ranking_snapshot_factory, ranking_entry_factory, django_capture_on_commit_callbacks
    ):
        assert client.get("/api/rankings/current/").json()["id"] == seeded.pk
        newer = ranking_snapshot_factory(title="Newer")
        ranking_entry_factory(snapshot=newer, rank=1)
        with django_capture_on_commit_callbacks(execute=True):
            snapshot_publish(snapshot=newer)
        assert client.get("/api/rankings/current/").json()["id"] == newer.pk
        with django_capture_on_commit_callbacks(execute=True):
            snapshot_unpublish(snapshot=newer)
        assert client.get("/api/rankings/current/").json()["id"] == seeded.pk

    def test_a_404_is_not_cached(self, client, seeded, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            snapshot_unpublish(snapshot=seeded)
        assert client.get("/api/rankings/current/").status_code == 404
        seeded.refresh_from_db()
        # Published again without the service (no generation bump): a cached 404 would still show.
        type(seeded).objects.filter(pk=seeded.pk).update(status="published")
        assert client.get("/api/rankings/current/").status_code == 200

    def test_a_cache_that_is_down_is_bypassed(self, client, seeded, redis_down):
        response = client.get("/api/rankings/current/")
        assert response.status_code == 200
        assert response.json()["id"] == seeded.pk


@pytest.mark.django_db
class TestSnapshotPageCache:
    def test_cold_then_warm_query_counts(self, client, seeded, django_assert_num_queries):
        with django_assert_num_queries(4):
            cold = client.get(f"/rankings/{seeded.pk}/")
        with django_assert_num_queries(0):
            warm = client.get(f"/rankings/{seeded.pk}/")
        assert warm.status_code == 200 and warm.content == cold.content

    def test_unpublish_takes_the_page_down(self, client, seeded, django_capture_on_commit_callbacks):
        assert client.get(f"/rankings/{seeded.pk}/").status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            snapshot_unpublish(snapshot=seeded)
        assert client.get(f"/rankings/{seeded.pk}/").status_code == 404


@pytest.mark.django_db
class TestLocalTier:
    @pytest.fixture
    def two_tiers(self, settings):
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-shared"},
            "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-local"},
        }
        yield
        from django.core.cache import caches

        caches["local"].clear()

    def test_a_process_serves_its_own_copy_without_the_shared_entry(
        self, client, seeded, two_tiers, django_assert_num_queries
    ):
        client.get("/")
        # Only the generation is left in the shared cache: the page comes from the process's copy.
        from rankings.services import RANKINGS_GENERATION_KEY

        generation = cache.get(RANKINGS_GENERATION_KEY)
        cache.clear()
        cache.set(RANKINGS_GENERATION_KEY, generation, None)
        with django_assert_num_queries(0):
            assert "Mybridge Top 10" in client.get("/").content.decode()

    def test_a_publish_elsewhere_invalidates_the_local_copy(
        self, client, seeded, two_tiers, django_capture_on_commit_callbacks
    ):
        assert "Mybridge Top 10" in client.get("/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            snapshot_unpublish(snapshot=seeded)
        assert "No ranking published yet" in client.get("/").content.decode()
