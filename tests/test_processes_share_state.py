"""What must be the same in every process is: a publish, and the API throttle, across gunicorn workers.

gunicorn runs with two worker processes and the production settings, on the suite's test
database (SQLite, or PostgreSQL in CI's second pass), with the cache of the configuration
under test: the disk cache that processes share without Redis (the embedded default), or
Redis (the suite's, or one started for the test). A snapshot is then published, and
later unpublished, by another process (``manage.py``), as an editor's command or the
worker's daily build would; every page and API answer of either worker must show it within
a second of that command printing its result, once the change is committed (the generation
each process trusts for up to ``GENERATION_SECONDS``). The access log names the worker process that served each request,
so the tests can check that both workers were asked.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

import pytest
import requests
from diskcache import DjangoCache
from django.conf import settings

from mltop.caching import GENERATION_SECONDS
from rankings.seeding import seed_load
from stats.models import StatsSample
from tests.conftest import test_database_url
from tests.faults.conftest import ROOT, Processes, redis_server, wait_for  # noqa: F401 - redis_server is a fixture

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

HTTP_TIMEOUT = 30  # generous: the machine may be busy; only the one-second rule is about time
PATHS = ("/", "/api/rankings/current/", "/feed/")
ACCESS = re.compile(r"^access <(\d+)> (\S+) (\d{3})$", re.M)  # gunicorn writes %(p)s as <pid>
AFTER_PUBLISH = 20  # answers per URL, from the requests sent once the second has passed


@pytest.fixture
def processes():
    started = Processes()
    yield started
    started.kill_all()
    for process in started.started:
        print(f"--- {' '.join(process.proc.args[2:5])} ---\n{process.output[-4000:]}")  # shown when a test fails


def empty_disk_cache() -> None:
    """The run's shared cache folder, which the servers use, emptied (the suite's own cache is
    emptied before each test; on PostgreSQL + Redis that is Redis, not this folder)."""
    cache = DjangoCache(settings.DJANGO_CACHE_DIR, {})
    cache.clear()
    cache.close()


def server_env(processes: Processes, *, redis_url: str, **extra) -> dict:
    return processes.env(database_url=test_database_url(), redis_url=redis_url, DJANGO_LOG_LEVEL="WARNING", **extra)


def gunicorn(processes: Processes, env: dict):
    """Two workers, their access log naming the process that served each request."""
    return processes.gunicorn(env, workers=2, access_log="access %(p)s %(U)s %(s)s")


def served_by(server, *, after: int = 0) -> dict[str, set[int]]:
    """The worker processes that served each path, from the access log past offset ``after``."""
    workers = defaultdict(set)
    for pid, path, _ in ACCESS.findall(server.output[after:]):
        workers[path].add(int(pid))
    return workers


@dataclass
class Done:
    result: str  # the line the command printed once its change was committed
    printed: float  # time.monotonic() when that line came
    exited: float


def manage(env: dict, *args: str, result: str) -> Done:
    """``manage.py *args`` in a process of its own, unbuffered, so that its result line (matching
    the regular expression ``result``; a command may print other lines before) is seen as it
    is printed."""
    proc = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in proc.stdout:
        if re.fullmatch(result, line.strip()):
            printed = time.monotonic()
            break
    else:
        printed = None
    _, errors = proc.communicate(timeout=180)
    assert proc.returncode == 0 and printed is not None, errors[-3000:]
    return Done(line.strip(), printed, time.monotonic())


@dataclass
class Answer:
    path: str
    sent: float  # time.monotonic() when the request was sent
    received: float
    shows_new: bool


class Poller:
    """Threads asking for every path again and again on new connections (the kernel hands each
    to either worker), recording whether each answer shows a ranking newer than the seed."""

    def __init__(self, url: str, seed_id: int, *, threads: int = 4):
        self.url = url
        self.seed_id = seed_id
        self.answers: list[Answer] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]

    def shows_new(self, path: str, response: requests.Response) -> bool:
        assert response.status_code == 200, (path, response.status_code)
        if path == "/api/rankings/current/":
            return response.json()["id"] != self.seed_id
        if path == "/":  # a ranking after the seed links to what changed since the seed
            return f"a={self.seed_id}&amp;b=" in response.text
        # The feed lists every published ranking.
        return {int(n) for n in re.findall(r"/rankings/(\d+)/", response.text)} != {self.seed_id}

    def _run(self, offset: int) -> None:
        turn = offset
        while not self._stop.is_set():
            path = PATHS[turn % len(PATHS)]
            turn += 1
            sent = time.monotonic()
            try:
                response = requests.get(self.url + path, timeout=HTTP_TIMEOUT)
                answer = Answer(path, sent, time.monotonic(), self.shows_new(path, response))
            except (requests.RequestException, AssertionError) as exc:
                self.errors.append(f"{path}: {exc!r}")
                continue
            self.answers.append(answer)

    def __enter__(self) -> Poller:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=HTTP_TIMEOUT + 5)

    def after(self, moment: float) -> list[Answer]:
        return [answer for answer in list(self.answers) if answer.sent >= moment]


def warm_both_workers(server, url: str) -> None:
    """Every path served (and so cached, in the process and in the shared cache) by both workers."""

    def warm() -> bool:
        for path in PATHS * 4:
            assert requests.get(url + path, timeout=HTTP_TIMEOUT).status_code == 200
        workers = served_by(server)
        return all(len(workers[path]) == 2 for path in PATHS)

    assert wait_for(warm, timeout=120, interval=0), f"not every path reached both workers: {dict(served_by(server))}"


def change_and_watch(server, url: str, seed_id: int, *, expect_new: bool, change) -> dict[str, float]:
    """Run ``change()`` (a command in another process) while polling; check that every answer to
    a request sent a second or more after the command printed its result (the change is
    committed) shows the change, from both workers. Returns the seconds from then to the first
    answer showing it, per path."""
    with Poller(url, seed_id) as poller:
        assert wait_for(lambda: len(poller.answers) >= 3 * len(PATHS), timeout=60), poller.errors
        done = change()
        returned = done.printed  # the command's result, printed once its change was committed
        settled = returned + GENERATION_SECONDS
        log_offset = None

        def enough() -> bool:
            nonlocal log_offset
            late = poller.after(settled)
            if log_offset is None and late:
                log_offset = len(server.output)  # what the workers logged from now on came later still
            counts = {path: sum(1 for a in late if a.path == path) for path in PATHS}
            workers = served_by(server, after=log_offset) if log_offset is not None else {}
            return all(counts[path] >= AFTER_PUBLISH and len(workers.get(path, ())) == 2 for path in PATHS)

        assert wait_for(enough, timeout=120), (poller.errors, dict(served_by(server, after=log_offset or 0)))
    answers = list(poller.answers)
    assert not poller.errors, poller.errors[:5]
    # Sent a second or more after the change was committed, yet showing the ranking from before it.
    late_stale = [
        (a.path, round(a.sent - returned, 3), round(a.received - returned, 3))
        for a in answers
        if a.sent >= settled and a.shows_new != expect_new
    ]
    assert late_stale == [], f"{late_stale}; the command exited {done.exited - done.printed:.3f}s after printing"
    first, last_old = {}, {}
    for path in PATHS:
        showing = [a.received - returned for a in answers if a.path == path and a.shows_new == expect_new]
        first[path] = round(min(showing), 3)  # when it was received: a busy machine may delay that
        old = [a.received - returned for a in answers if a.path == path and a.shows_new != expect_new]
        last_old[path] = round(max(old), 3) if old else None
    # Seconds after the command printed its result (it exited done.exited - done.printed later).
    print(
        f"first answer showing the change: {first}; last answer showing the ranking before it: {last_old};"
        f" the command exited {done.exited - done.printed:.3f}s after printing"
    )
    return first


def ranked_projects(project_factory, count: int = 3) -> None:
    """Projects with star histories that ``build_snapshot --as-of 2025-06-30`` ranks."""
    end = dt.date(2025, 6, 30)
    for project in project_factory.create_batch(count):
        StatsSample.objects.bulk_create(
            StatsSample(
                project=project,
                captured_on=end - dt.timedelta(days=10 - day),
                captured_at=dt.datetime.combine(end - dt.timedelta(days=10 - day), dt.time(6), tzinfo=dt.UTC),
                stars=1000 + 20 * day,
            )
            for day in range(11)
        )


def publish_reaches_every_worker(processes, project_factory, *, redis_url: str) -> None:
    seeded = seed_load().snapshot
    ranked_projects(project_factory)
    # Hundreds of requests from one address: the throttle has tests of its own below.
    env = server_env(processes, redis_url=redis_url, API_ANON_THROTTLE_RATE="")
    server, url = gunicorn(processes, env)
    warm_both_workers(server, url)
    assert requests.get(url + "/api/rankings/current/", timeout=HTTP_TIMEOUT).json()["id"] == seeded.pk

    published = {}

    def publish():  # as an editor's command (or the worker's daily build) would, in its own process
        done = manage(env, "build_snapshot", "--as-of", "2025-06-30", "--publish", result=r"\d+")
        published["id"] = int(done.result)
        return done

    change_and_watch(server, url, seeded.pk, expect_new=True, change=publish)
    assert requests.get(url + "/api/rankings/current/", timeout=HTTP_TIMEOUT).json()["id"] == published["id"]

    def unpublish():
        code = (
            "from rankings.models import RankingSnapshot as S; from rankings.services import snapshot_unpublish as u;"
            f"u(snapshot=S.objects.get(pk={published['id']})); print('unpublished')"
        )
        return manage(env, "shell", "-c", code, result="unpublished")

    change_and_watch(server, url, seeded.pk, expect_new=False, change=unpublish)


def test_a_publish_from_another_process_reaches_every_worker_within_a_second_without_redis(processes, project_factory):
    empty_disk_cache()
    publish_reaches_every_worker(processes, project_factory, redis_url="")


@pytest.fixture
def a_redis_url(request) -> str:
    """The suite's Redis when it runs on one (CI's PostgreSQL + Redis pass), else a Redis of the
    test's own on a free port: the Redis configuration is tested in every run."""
    if settings.REDIS_URL:
        return settings.REDIS_URL
    return request.getfixturevalue("redis_server").url


def test_a_publish_from_another_process_reaches_every_worker_within_a_second_with_redis(
    processes, project_factory, a_redis_url
):
    publish_reaches_every_worker(processes, project_factory, redis_url=a_redis_url)


def throttle_holds_across_workers(processes, *, redis_url: str) -> None:
    # Ten an hour: the 25 requests stay in one window unless they start within a minute of its end.
    env = server_env(processes, redis_url=redis_url, API_ANON_THROTTLE_RATE="10/hour")
    server, url = gunicorn(processes, env)
    if time.time() % 3600 > 3540:
        time.sleep(3600 - time.time() % 3600)  # waits for the next window, not for anything to happen
    offset = len(server.output)
    statuses, retry_after = [], []
    for _ in range(25):
        response = requests.get(url + "/api/authors/", timeout=HTTP_TIMEOUT)
        statuses.append(response.status_code)
        retry_after.append(response.headers.get("Retry-After"))
        # Paced past two batching intervals: each worker's exchange is then due at each request,
        # so its count is every worker's total and the limit is exact, not "give or take".
        time.sleep(0.1)
    workers = {int(pid) for pid, path, _ in ACCESS.findall(server.output[offset:]) if path == "/api/authors/"}
    print(f"statuses: {statuses}; workers: {workers}")
    assert len(workers) == 2, "the requests did not reach both workers"
    assert statuses == [200] * 10 + [429] * 15
    assert all(value is None for value in retry_after[:10])
    assert all(0 < int(value) <= 3600 for value in retry_after[10:])


def test_the_anonymous_throttle_counts_across_workers_without_redis(processes):
    empty_disk_cache()
    throttle_holds_across_workers(processes, redis_url="")


def test_the_anonymous_throttle_counts_across_workers_on_redis(processes, a_redis_url):
    throttle_holds_across_workers(processes, redis_url=a_redis_url)
