"""Benchmark of the REST API: time per request and SQL queries per endpoint, at two catalogue sizes.

Prints figures; never passes or fails. Runs in a throwaway test database created next to
the one DATABASE_URL names (SQLite in memory by default), through the full middleware stack.

    .venv/bin/python bench/api.py [--requests 30] [--deep-projects 10000 --depth 500]

Last, the catalogue's first page and its 500th (by cursor, as ``next`` links lead there) in
the two busiest orders, with the API's response cache off: keyset pages cost the same at any depth.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltop.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-used-anywhere-else")
# Without Redis, a cache folder of the run's own: never var/cache, which another database's pages may hold.
os.environ.setdefault("DJANGO_CACHE_DIR", tempfile.mkdtemp(prefix="mltop-bench-cache-"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment  # noqa: E402

SIZES = (20, 200)


def build(n_projects: int) -> dict:
    """``n_projects`` credited projects, a year of daily samples for one (ranked in every month), twelve top-10s."""
    from projects.models import Author, Authorship, Project, Topic
    from rankings.models import RankingEntry, RankingSnapshot
    from rankings.services import snapshot_publish
    from stats.models import StatsSample

    topics = [Topic.objects.create(slug=f"topic-{i}", name=f"Topic {i}") for i in range(5)]
    authors = Author.objects.bulk_create(Author(name=f"Author {i}", slug=f"author-{i}") for i in range(n_projects))
    projects = Project.objects.bulk_create(
        Project(
            name=f"Project {i:04d}",
            slug=f"project-{i}",
            repo_owner=f"owner{i}",
            repo_name=f"repo{i}",
            status=Project.Status.TRACKED,
            stars=1000 + 37 * i,
            stars_gained_30d=i % 50,
        )
        for i in range(n_projects)
    )
    Authorship.objects.bulk_create(
        Authorship(project=p, author=authors[(i + k) % n_projects], position=k)
        for i, p in enumerate(projects)
        for k in range(2)
    )
    for i, project in enumerate(projects):
        project.topics.add(topics[i % 5], topics[(i + 1) % 5])
    start = dt.date(2024, 1, 1)
    StatsSample.objects.bulk_create(
        StatsSample(
            project=projects[5],
            captured_on=start + dt.timedelta(days=d),
            captured_at=dt.datetime.combine(start + dt.timedelta(days=d), dt.time(12), tzinfo=dt.UTC),
            stars=1000 + 5 * d,
            forks=d,
        )
        for d in range(365)
    )
    snapshots = []
    for month in range(1, 13):
        snapshot = RankingSnapshot.objects.create(
            title=f"Top 10 · 2024-{month:02d}", taken_at=dt.datetime(2024, month, 1, tzinfo=dt.UTC)
        )
        ranked = [projects[(month + k) % n_projects] for k in range(10)]
        RankingEntry.objects.bulk_create(
            RankingEntry(snapshot=snapshot, project=p, rank=r, score=1 / r, stars=p.stars)
            for r, p in enumerate(ranked, 1)
        )
        snapshots.append(snapshot_publish(snapshot=snapshot))
    return {"project": projects[5].slug, "author": authors[0].slug, "a": snapshots[-2].pk, "b": snapshots[-1].pk}


def endpoints(ids: dict) -> list[str]:
    return [
        "/api/rankings/",
        "/api/rankings/current/",
        f"/api/rankings/{ids['b']}/",
        f"/api/rankings/compare/?a={ids['a']}&b={ids['b']}",
        "/api/projects/?page_size=100",
        "/api/projects/?ordering=-growth_30d&q=project&page_size=100",
        f"/api/projects/{ids['project']}/",
        f"/api/projects/{ids['project']}/stats/?interval=day",
        f"/api/projects/{ids['project']}/stats/?interval=week",
        f"/api/projects/{ids['project']}/ranks/",
        "/api/authors/?page_size=100",
        f"/api/authors/{ids['author']}/",
    ]


def measure(client: Client, url: str, requests: int) -> tuple[float, float, int, int]:
    client.get(url)  # warm-up
    times = []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], len(queries), len(response.content)


def deep_pages(n_projects: int, depth: int, requests: int) -> None:
    """The catalogue's first page and its ``depth``-th (by cursor) in two orders, computed on every request."""
    from mltop.api.pagination import encode_cursor
    from projects.models import Project

    Project.objects.bulk_create(
        Project(
            name=f"Deep {i:06d}",
            slug=f"deep-{i}",
            repo_owner=f"deep{i}",
            repo_name=f"repo{i}",
            status=Project.Status.TRACKED,
            stars=None if i % 97 == 0 else (i * 7919) % 100_000,  # some never fetched, many ties
            stars_gained_30d=None if i % 5 == 0 else (i * 31) % 500,
        )
        for i in range(n_projects)
    )
    size = 20
    client = Client()
    with override_settings(API_ANON_THROTTLE_RATE="", API_CACHE_MAX_AGE=0):
        for ordering, field in (("-stars", "stars"), ("-growth_30d", "stars_gained_30d")):
            order = Project.objects.exclude(status=Project.Status.CANDIDATE).order_by(
                F(field).desc(nulls_last=True), "pk"
            )
            before = order.values_list(field, "pk")[(depth - 1) * size - 1]  # the last row of the page before
            cursor = encode_cursor(f"-{field},pk", list(before))
            for label, url in (
                ("page 1", f"/api/projects/?ordering={ordering}&page_size={size}"),
                (f"page {depth}", f"/api/projects/?ordering={ordering}&page_size={size}&cursor={cursor}"),
            ):
                median, p95, queries, size_bytes = measure(client, url, requests)
                shown = f"{ordering} {label}"
                print(f"{n_projects:>8}  {shown:62} {median:9.2f} {p95:7.2f} {queries:7d} {size_bytes:7d}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per endpoint (default 30)")
    parser.add_argument("--deep-projects", type=int, default=10_000, help="catalogue for the deep-cursor rows")
    parser.add_argument("--depth", type=int, default=500, help="the cursor page measured against the first")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        print(f"database: {connection.vendor}; {args.requests} timed requests per endpoint after one warm-up")
        print(f"{'projects':>8}  {'endpoint':62} {'median ms':>9} {'p95 ms':>7} {'queries':>7} {'bytes':>7}")
        for size in SIZES:
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)
            print(f"building {size} projects ...", file=sys.stderr, flush=True)
            ids = build(size)
            client = Client()
            with override_settings(API_ANON_THROTTLE_RATE=""):
                for url in endpoints(ids):
                    median, p95, queries, size_bytes = measure(client, url, args.requests)
                    print(f"{size:>8}  {url:62} {median:9.2f} {p95:7.2f} {queries:7d} {size_bytes:7d}", flush=True)
        call_command("flush", interactive=False, verbosity=0)
        depth = max(2, min(args.depth, args.deep_projects // 20))
        print(f"building {args.deep_projects} projects for page {depth} by cursor ...", file=sys.stderr, flush=True)
        deep_pages(args.deep_projects, depth, args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
