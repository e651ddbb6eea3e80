import os
import shutil

import pytest
from django.conf import settings
from django.db import connection
from pytest_factoryboy import register

from . import factories

for _factory in (
    factories.TopicFactory,
    factories.AuthorFactory,
    factories.ProjectFactory,
    factories.AuthorshipFactory,
    factories.StatsSampleFactory,
    factories.RankingSnapshotFactory,
    factories.RankingEntryFactory,
):
    register(_factory)


@pytest.fixture
def staff_user(db):
    return factories.StaffUserFactory()


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def seeded(db):
    """The Mybridge February 2018 snapshot, loaded by the real seed."""
    from rankings.seeding import seed_load

    return seed_load().snapshot


def clear_app_cache():
    """Empty MLTop's cache without flushing the whole Redis database the broker shares."""
    from django.core.cache import cache

    if hasattr(cache, "delete_pattern"):  # django-redis: only keys under our KEY_PREFIX
        cache.delete_pattern("*")
    else:
        cache.clear()
    from mltop.caching import local_copies

    local_copies.clear()  # copies kept in this process, in front of the cache
    from mltop import responsecopies

    responsecopies.copies.clear()  # and whole responses kept from them
    from mltop.api.throttling import local_counters, redis_counters, shared_counters

    local_counters.clear()  # throttle counts kept in this process
    redis_counters.cache_clear()  # and those it knew from Redis
    shared_counters.cache_clear()  # or from the shared disk cache


_session_cache = None


def pytest_configure(config):
    """Without Redis, a shared cache folder of this run's own, as the test database is.

    Named after this process, so two test runs in one checkout (or a run beside `make run`)
    do not share the generation, locks or pages; the processes the tests start (Celery
    workers, gunicorn) inherit DJANGO_CACHE_DIR and so share it with the tests. Removed at
    the end of the run.
    """
    global _session_cache
    from django.conf import settings
    from django.test.utils import override_settings

    folder = settings.VAR_DIR / f"test-cache-{os.getpid()}"
    os.environ["DJANGO_CACHE_DIR"] = str(folder)
    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    if caches["default"]["BACKEND"] == "diskcache.DjangoCache":
        caches["default"]["LOCATION"] = str(folder)
    _session_cache = override_settings(CACHES=caches, DJANGO_CACHE_DIR=folder)
    _session_cache.enable()


def pytest_unconfigure(config):
    if _session_cache is not None:
        _session_cache.disable()
        shutil.rmtree(os.environ.pop("DJANGO_CACHE_DIR"), ignore_errors=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    clear_app_cache()
    yield
    clear_app_cache()


@pytest.fixture
def fake_github(settings):
    """A fake GitHub API on loopback (tests/fake_github), with GITHUB_API_URL pointing at it.

    Program it per test (``add_repo``, ``rename``, ``delete``, ``archive``, ``exhaust_rate_limit``,
    ``fail_next``...) and read ``requests`` / ``count()`` to see what was asked. No token by
    default: set ``settings.GITHUB_TOKEN`` through the ``settings`` fixture for GraphQL.
    """
    from .fake_github import FakeGitHub

    fake = FakeGitHub().start()
    settings.GITHUB_API_URL = fake.url
    settings.GITHUB_TOKEN = ""
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, a test database in a file (not in memory) so real worker processes can share it.

    Named after this process, so two test runs in one checkout do not share it; pytest-django
    deletes it at the end of the run.
    """
    import os

    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(settings.VAR_DIR / f"test-mltop-{os.getpid()}.sqlite3")
    # A second alias on the same test database, as DATABASE_REPLICA_URL makes one: unused unless a
    # test installs the replica router (tests/test_dbrouters.py), which then sees which alias read what.
    settings.DATABASES.setdefault("replica", {**database, "TEST": {**database.get("TEST", {}), "MIRROR": "default"}})


def test_database_url() -> str:
    """The suite's own test database (a file on SQLite), for worker and server processes."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a page served in Chinese, or a test that
    activates a language, must not leave the next test's commands and messages translated."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
