#!/usr/bin/env python
"""Benchmark the computed-snapshot build: N projects with D days of samples each.

Creates a fresh database beside the configured one (Django's test-database machinery:
``test_<name>`` on PostgreSQL, ``var/bench-ranking.sqlite3`` on SQLite), fills it, builds a
snapshot of the top K, prints the figures, and drops the database. It prints; it never
passes or fails on time.

    .venv/bin/python bench/ranking.py --projects 10000 --days 365
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_ranking .venv/bin/python bench/ranking.py
"""

import argparse
import datetime as dt
import io
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltop.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-not-used-anywhere-else-0123456789")
# Without Redis, a cache folder of the run's own: never var/cache, which another database's pages may hold.
os.environ.setdefault("DJANGO_CACHE_DIR", tempfile.mkdtemp(prefix="mltop-bench-cache-"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from projects.models import Project  # noqa: E402
from rankings.models import StatsSample  # noqa: E402
from rankings.services import snapshot_build  # noqa: E402

BATCH = 50_000
COLUMNS = (
    "project_id",
    "captured_on",
    "captured_at",
    "stars",
    "forks",
    "watchers",
    "open_issues",
    "pushed_at",
    "source",
    "recorded_at",
)


def log(message: str) -> None:
    print(message, flush=True)


def make_projects(n: int, rng: random.Random, as_of: dt.date) -> list[int]:
    projects = [
        Project(
            name=f"Bench project {i}",
            slug=f"bench-{i}",
            repo_owner=f"bench{i // 1000}",
            repo_name=f"repo{i}",
            status=Project.Status.TRACKED,
            archived=rng.random() < 0.02,
            pushed_at=dt.datetime.combine(as_of - dt.timedelta(days=rng.randint(0, 500)), dt.time(), tzinfo=dt.UTC),
        )
        for i in range(n)
    ]
    Project.objects.bulk_create(projects, batch_size=2000)
    return list(Project.objects.order_by("pk").values_list("pk", flat=True))


def sample_rows(project_ids: list[int], days: int, rng: random.Random, as_of: dt.date):
    """Daily figures per project: a log-normal start, a steady pace with noise, a rare spike."""
    first = as_of - dt.timedelta(days=days - 1)
    day_list = [first + dt.timedelta(days=d) for d in range(days)]
    for pid in project_ids:
        stars = int(rng.lognormvariate(6, 1.6))
        pace = rng.lognormvariate(0.5, 1.5)
        forks_ratio, watchers_ratio = rng.uniform(0.05, 0.3), rng.uniform(0.01, 0.05)
        spike_day = rng.randrange(days) if rng.random() < 0.05 else -1
        pushed = first
        for d, day in enumerate(day_list):
            stars += int(rng.expovariate(1 / pace)) if pace > 0 else 0
            if d == spike_day:
                stars += rng.randint(2_000, 20_000)
            if rng.random() < 0.2:
                pushed = day
            yield (
                pid,
                day,
                dt.datetime.combine(day, dt.time(3), tzinfo=dt.UTC),
                stars,
                int(stars * forks_ratio),
                int(stars * watchers_ratio),
                rng.randint(0, 200),
                dt.datetime.combine(pushed, dt.time(2), tzinfo=dt.UTC),
                StatsSample.Source.OBSERVED,
                dt.datetime.combine(day, dt.time(3), tzinfo=dt.UTC),
            )


def fill_postgresql(rows, total: int) -> None:
    table = StatsSample._meta.db_table
    done = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                done += 1
                if done % 500_000 == 0:
                    log(f"  {done:,} / {total:,} samples")


def fill_sqlite(rows, total: int) -> None:
    table = StatsSample._meta.db_table
    ops = connection.ops
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    batch, done = [], 0
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(
                (
                    row[0],
                    ops.adapt_datefield_value(row[1]),
                    ops.adapt_datetimefield_value(row[2]),
                    *row[3:7],
                    ops.adapt_datetimefield_value(row[7]),
                    row[8],
                )
            )
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                done += len(batch)
                batch = []
                if done % 500_000 == 0:
                    log(f"  {done:,} / {total:,} samples")
        if batch:
            cursor.executemany(sql, batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--show-queries", action="store_true", help="Print the start of each query of the build.")
    args = parser.parse_args()

    db = settings.DATABASES["default"]
    # Never the test suite's test_<name>: a benchmark may run while the tests do.
    if connection.vendor == "sqlite":
        db.setdefault("TEST", {})["NAME"] = str(ROOT / "var" / "bench-ranking.sqlite3")
    else:
        db.setdefault("TEST", {})["NAME"] = f"{db['NAME']}_bench_ranking"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        rng = random.Random(args.seed)
        as_of = dt.date(2026, 6, 30)
        total = args.projects * args.days
        log(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        log(f"filling {args.projects:,} projects x {args.days} days = {total:,} samples")
        started = time.perf_counter()
        with transaction.atomic():
            ids = make_projects(args.projects, rng, as_of)
            rows = sample_rows(ids, args.days, rng, as_of)
            (fill_postgresql if connection.vendor == "postgresql" else fill_sqlite)(rows, total)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        log(f"fill: {time.perf_counter() - started:.1f} s")

        tracemalloc.start()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            snapshot = snapshot_build(as_of=as_of, top_k=args.top, publish=True)
            elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        entries = snapshot.entries.count()
        flagged = snapshot.entries.exclude(flags=[]).count()
        maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        out = io.StringIO()
        out.write(f"build: {elapsed:.2f} s\n")
        out.write(f"sql queries: {len(queries)}\n")
        out.write(f"python peak memory during build (tracemalloc): {peak / 1024 / 1024:.1f} MiB\n")
        out.write(f"process max RSS (whole run, incl. fill): {maxrss_mb:.0f} MiB\n")
        out.write(f"snapshot: {entries} entries, {flagged} flagged for a star spike\n")
        log(out.getvalue().rstrip())
        if args.show_queries:
            for query in queries.captured_queries:
                log(f"  {' '.join(query['sql'].split())[:110]}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
