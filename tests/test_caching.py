import datetime as dt
import logging
import socket
import threading
import time

import pytest
import time_machine
from django.core.cache import cache

from mltop import caching
from mltop.caching import _MISSING, GENERATION_SECONDS, RANKINGS_GENERATION_KEY, LocalCopies, compute_once, generation
from rankings.services import snapshot_publish, snapshot_unpublish


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def raising_cache_down(settings):
    """A Redis cache that raises on every call (Django's own backend), on a closed port."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def redis_down(settings):
    """The production cache configuration (django-redis ignoring errors) on a closed port."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "KEY_PREFIX": "mltop",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    settings.DJANGO_REDIS_LOGGER = "mltop.caching"


def _main(response) -> str:
    """The page's main content: the frame around it carries a per-request CSRF token."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


class Counter:
    def __init__(self, value="computed", until=None):
        self.calls = 0
        self.value = value
        self.until = until  # computing finishes once this returns True (a signal, not a delay)
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            self.calls += 1
        if self.until is not None:
            assert _wait_until(self.until), "the signal to finish computing never came"
        return self.value


def _wait_until(condition, timeout=30.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


class LockWatch:
    """The cache, as compute_once sees it, noting which threads found ``lock_key`` taken."""

    def __init__(self, lock_key, on_seen_locked=None):
        self.lock_key = lock_key
        self.waiting: set[int] = set()
        self.on_seen_locked = on_seen_locked

    def add(self, key, *args, **kwargs):
        added = cache.add(key, *args, **kwargs)
        if key == self.lock_key and not added:
            self.waiting.add(threading.get_ident())
        return added

    def get(self, key, *args, **kwargs):
        value = cache.get(key, *args, **kwargs)
        if key == self.lock_key and value is not None and self.on_seen_locked is not None:
            self.on_seen_locked()  # the reader has seen the lock held and is about to poll again
        return value

    def __getattr__(self, name):
        return getattr(cache, name)


def test_concurrent_misses_compute_once(monkeypatch):
    workers = 8
    watch = LockWatch("test:stampede:lock")
    monkeypatch.setattr(caching, "cache", watch)
    # The holder computes until every other reader has found the key locked and waits on it.
    compute = Counter(until=lambda: len(watch.waiting) == workers - 1)
    barrier = threading.Barrier(workers)
    results = []

    def read():
        barrier.wait()
        # Waiting as long as it takes, however loaded the machine: the give-up is tested apart.
        results.append(compute_once("test:stampede", compute, timeout=60, wait=120))

    threads = [threading.Thread(target=read) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=150)
    assert len(watch.waiting) == workers - 1
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


def test_a_released_lock_without_a_value_is_taken_over(monkeypatch):
    cache.add("test:failed:lock", "holder", timeout=60)
    # The holder fails and lets go once the reader has seen the lock held (not after a delay).
    watch = LockWatch("test:failed:lock", on_seen_locked=lambda: cache.delete("test:failed:lock"))
    monkeypatch.setattr(caching, "cache", watch)
    compute = Counter()
    assert compute_once("test:failed", compute, timeout=60, wait=120) == "computed"
    assert watch.waiting
    assert compute.calls == 1
    assert cache.get("test:failed") == "computed"
    assert cache.get("test:failed:lock") is None


def test_uncacheable_values_are_returned_but_not_stored():
    compute = Counter(value="error page")
    assert compute_once("test:uncacheable", compute, timeout=60, cacheable=lambda v: False) == "error page"
    assert compute_once("test:uncacheable", compute, timeout=60, cacheable=lambda v: False) == "error page"
    assert compute.calls == 2
    assert cache.get("test:uncacheable:lock") is None


def test_compute_once_bypasses_a_cache_that_raises(raising_cache_down, caplog):
    compute = Counter()
    with caplog.at_level(logging.WARNING, logger="mltop.caching"):
        assert compute_once("test:down", compute, timeout=60) == "computed"
    assert compute.calls == 1
    assert "cache unavailable" in caplog.text


def test_compute_once_does_not_wait_on_a_cache_that_ignores_its_errors(redis_down, caplog):
    compute = Counter()
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="mltop.caching"):
        assert compute_once("test:down", compute, timeout=60, wait=30) == "computed"
    # It computed at once instead of polling for a lock it could never see.
    assert time.monotonic() - started < 25
    assert compute.calls == 1
    assert "Exception ignored" in caplog.text


@pytest.mark.django_db
class TestHomePageCache:
    def test_cold_then_warm_query_counts(self, client, seeded, django_assert_num_queries):
        with django_assert_num_queries(5):
            cold = client.get("/")
        with django_assert_num_queries(0):
            warm = client.get("/")
        assert cold.status_code == warm.status_code == 200
        assert _main(warm) == _main(cold)
        assert "Mybridge Top 10 · February 2018" in warm.content.decode()

    def test_each_language_is_cached_apart(self, client, seeded, django_assert_num_queries):
        english_first = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
        # The data is shared; the rendered content is kept per language.
        with django_assert_num_queries(0):
            chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert 'lang="zh-hans"' in chinese.content.decode()
        assert _main(chinese) != _main(english_first)
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

    def test_a_cache_that_is_down_is_bypassed(self, client, seeded, redis_down, caplog):
        with caplog.at_level(logging.ERROR, logger="mltop.caching"):
            response = client.get("/")
        assert response.status_code == 200
        assert "Mybridge Top 10" in response.content.decode()
        assert "Exception ignored" in caplog.text

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
        with django_assert_num_queries(7):  # rankings/selectors/pages.py: snapshot_page()
            cold = client.get(f"/rankings/{seeded.pk}/")
        with django_assert_num_queries(0):
            warm = client.get(f"/rankings/{seeded.pk}/")
        assert warm.status_code == 200
        assert _main(warm) == _main(cold)

    def test_unpublish_takes_the_page_down(self, client, seeded, django_capture_on_commit_callbacks):
        assert client.get(f"/rankings/{seeded.pk}/").status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            snapshot_unpublish(snapshot=seeded)
        assert client.get(f"/rankings/{seeded.pk}/").status_code == 404


class TestLocalCopies:
    def test_a_local_copy_is_served_without_asking_the_cache(self):
        compute = Counter(value=b"page")
        assert compute_once("test:local", compute, timeout=60, local=True) == b"page"
        cache.delete("test:local")
        assert compute_once("test:local", compute, timeout=60, local=True) == b"page"
        assert compute.calls == 1

    def test_without_local_the_cache_is_asked_every_time(self):
        compute = Counter(value=b"page")
        compute_once("test:shared", compute, timeout=60)
        cache.delete("test:shared")
        compute_once("test:shared", compute, timeout=60)
        assert compute.calls == 2

    def test_copies_expire_after_their_seconds_or_the_timeout(self):
        copies = LocalCopies(size=4, seconds=30)
        with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False) as traveller:
            copies.set("short", b"a", timeout=5)
            copies.set("long", b"b", timeout=3600)
            traveller.shift(dt.timedelta(seconds=6))
            assert copies.get("short") is _MISSING and copies.get("long") == b"b"
            traveller.shift(dt.timedelta(seconds=25))
            assert copies.get("long") is _MISSING

    def test_the_least_recently_used_copy_goes_first(self):
        copies = LocalCopies(size=2, seconds=30)
        copies.set("a", 1, timeout=60)
        copies.set("b", 2, timeout=60)
        assert copies.get("a") == 1
        copies.set("c", 3, timeout=60)
        assert copies.get("b") is _MISSING and copies.get("a") == 1 and copies.get("c") == 3

    def test_uncacheable_values_are_not_copied(self):
        compute = Counter(value="error")
        compute_once("test:local-uncacheable", compute, timeout=60, local=True, cacheable=lambda v: False)
        compute_once("test:local-uncacheable", compute, timeout=60, local=True, cacheable=lambda v: False)
        assert compute.calls == 2


class TestGenerationCopy:
    def test_a_bump_elsewhere_shows_within_generation_seconds(self):
        with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False) as traveller:
            before = generation()
            cache.incr(RANKINGS_GENERATION_KEY)  # what a publish in another process does
            assert generation() == before
            traveller.shift(dt.timedelta(seconds=GENERATION_SECONDS + 0.1))
            assert generation() == before + 1

    def test_the_copy_is_trusted_from_when_the_generation_was_asked_for(self, monkeypatch):
        import mltop.caching

        with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False) as traveller:
            read = mltop.caching.rankings_generation

            def slow_read():  # answered before a bump, but 0.6 s after it was asked for
                value = read()
                traveller.shift(dt.timedelta(seconds=0.6))
                return value

            monkeypatch.setattr(mltop.caching, "rankings_generation", slow_read)
            before = generation()
            cache.incr(RANKINGS_GENERATION_KEY)  # a publish elsewhere, just after that answer
            monkeypatch.setattr(mltop.caching, "rankings_generation", read)
            traveller.shift(dt.timedelta(seconds=GENERATION_SECONDS - 0.6 + 0.01))
            assert generation() == before + 1

    def test_a_publish_in_this_process_shows_at_once(
        self, seeded, ranking_snapshot_factory, ranking_entry_factory, django_capture_on_commit_callbacks
    ):
        with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
            before = generation()
            newer = ranking_snapshot_factory(title="Newer")
            ranking_entry_factory(snapshot=newer, rank=1)
            with django_capture_on_commit_callbacks(execute=True):
                snapshot_publish(snapshot=newer)
            assert generation() == before + 1


class _HolderFinishesMeanwhile:
    """A cache in which the lock holder stores its value and releases the lock just after
    this caller's first read missed and its lock attempt failed."""

    def __init__(self):
        self.stored = {}
        self.reads = 0

    def get(self, key, default=None):
        self.reads += 1
        if key.endswith(":lock"):
            self.stored["test:race"] = "the holder's value"
            return None
        return self.stored.get(key, default)

    def add(self, key, value, timeout=None):
        return False


def test_a_value_stored_as_the_lock_is_released_is_used_not_recomputed(monkeypatch):
    monkeypatch.setattr("mltop.caching.cache", _HolderFinishesMeanwhile())
    compute = Counter()
    assert compute_once("test:race", compute, timeout=60) == "the holder's value"
    assert compute.calls == 0
