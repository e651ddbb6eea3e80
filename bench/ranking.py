#!/usr/bin/env python
"""Benchmark the computed-snapshot build: N projects with D days of samples each.

Creates a fresh database beside the configured one (Django's test-database machinery:
``<name>_bench_ranking`` on PostgreSQL, ``var/bench-ranking.sqlite3`` on SQLite), fills it,
and in one run measures: (a) one plain window-function pass over the samples (the baseline),
(b) the overall build reading the samples (the full figures pass), (c) the same build reading
figures kept up to date (``rankings/kept_figures.py``), filled first the way refreshes leave
them, one statement per batch of 100 projects, whose cost (d) is printed too. ``--all-boards``
adds ten fields and some of the month's new candidates and times every board of the day both
ways. ``--keep`` keeps the database and reuses it when its size matches. It prints; it never
passes or fails on time.

    .venv/bin/python bench/ranking.py --projects 10000 --days 365
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_ranking .venv/bin/python bench/ranking.py --all-boards --keep
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
import time_machine  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from projects.models import Category, Project, Topic  # noqa: E402
from rankings import newcomers  # noqa: E402
from rankings.board_services import boards_build, newcomers_build  # noqa: E402
from rankings.kept_figures import figures_update  # noqa: E402
from rankings.models import ProjectFigures  # noqa: E402
from rankings.services import snapshot_build  # noqa: E402
from stats.models import StatsSample  # noqa: E402

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


# Of the projects, this share are candidates created in the as-of month (the newcomers board's).
NEW_SHARE = 0.02
CATEGORIES = 10
REFRESH_BATCH = 100  # projects per refresh batch (stats.refresh), so per kept-figures statement


def make_projects(n: int, rng: random.Random, as_of: dt.date) -> list[int]:
    month_start = dt.datetime.combine(as_of.replace(day=1), dt.time(), tzinfo=dt.UTC)
    projects = []
    for i in range(n):
        new = rng.random() < NEW_SHARE
        projects.append(
            Project(
                name=f"Bench project {i}",
                slug=f"bench-{i}",
                repo_owner=f"bench{i // 1000}",
                repo_name=f"repo{i}",
                status=Project.Status.CANDIDATE if new else Project.Status.TRACKED,
                repo_created_at=month_start + dt.timedelta(hours=rng.randint(0, 24 * (as_of.day - 1))) if new else None,
                archived=rng.random() < 0.02,
                pushed_at=dt.datetime.combine(as_of - dt.timedelta(days=rng.randint(0, 500)), dt.time(), tzinfo=dt.UTC),
            )
        )
    Project.objects.bulk_create(projects, batch_size=2000)
    return list(Project.objects.order_by("pk").values_list("pk", "repo_created_at"))


def make_categories(project_ids: list[int], rng: random.Random) -> None:
    """Ten fields, each with a topic of its own; every project gets one or two of the topics."""
    topics = []
    for i in range(CATEGORIES):
        topic, _ = Topic.objects.get_or_create(slug=f"bench-field-{i}", defaults={"name": f"bench field {i}"})
        category, _ = Category.objects.get_or_create(
            slug=f"bench-field-{i}", defaults={"name_en": f"Bench field {i}", "name_zh": f"基准领域 {i}"}
        )
        category.topics.add(topic)
        topics.append(topic.pk)
    through = Project.topics.through
    links = {(pid, rng.choice(topics)) for pid in project_ids} | {(pid, rng.choice(topics)) for pid in project_ids}
    through.objects.bulk_create(
        [through(project_id=pid, topic_id=tid) for pid, tid in links], batch_size=5000, ignore_conflicts=True
    )


def sample_rows(project_ids: list[int], days: int, rng: random.Random, as_of: dt.date):
    """Daily figures per project: a log-normal start, a steady pace with noise, a rare spike."""
    first = as_of - dt.timedelta(days=days - 1)
    day_list = [first + dt.timedelta(days=d) for d in range(days)]
    for pid, created in project_ids:
        stars = int(rng.lognormvariate(6, 1.6))
        pace = rng.lognormvariate(0.5, 1.5)
        forks_ratio, watchers_ratio = rng.uniform(0.05, 0.3), rng.uniform(0.01, 0.05)
        spike_day = rng.randrange(days) if rng.random() < 0.05 else -1
        pushed = first
        for d, day in enumerate(day_list):
            if created is not None and day < created.date():
                continue  # a newcomer has no capture before it was created
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
                    ops.adapt_datetimefield_value(row[9]),
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


def timed(function, **kwargs):
    """(seconds, result, queries) of one call."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = function(**kwargs)
        elapsed = time.perf_counter() - started
    return elapsed, result, queries


def window_pass() -> tuple[float, tuple]:
    """(a): one plain window-function pass over every sample, the baseline the issue names."""
    sql = f"""SELECT count(*), sum(d) FROM (
        SELECT stars - LAG(stars) OVER (PARTITION BY project_id ORDER BY captured_on) AS d
        FROM {StatsSample._meta.db_table}) t"""
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql)
        row = cursor.fetchone()
    return time.perf_counter() - started, row


def keep_up_to_date(project_ids: list[int]) -> list[float]:
    """(d): every project's kept figures, one statement per refresh batch (what the receiver runs); seconds each."""
    seconds = []
    for start in range(0, len(project_ids), REFRESH_BATCH):
        started = time.perf_counter()
        with transaction.atomic():
            figures_update(project_ids=project_ids[start : start + REFRESH_BATCH])
        seconds.append(time.perf_counter() - started)
    return seconds


def reusable(args) -> bool:
    """A kept database of the asked size: as many projects, as many days."""
    if Project.objects.count() != args.projects:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(captured_on), max(captured_on) FROM {StatsSample._meta.db_table}")
        first, last = cursor.fetchone()
    if first is None:
        return False
    first, last = (dt.date.fromisoformat(str(v)[:10]) for v in (first, last))
    return (last - first).days + 1 == args.days and (not args.all_boards or Category.objects.exists())


def fill(args, rng, as_of) -> None:
    total = args.projects * args.days
    log(f"filling {args.projects:,} projects x {args.days} days = about {total:,} samples")
    started = time.perf_counter()
    with transaction.atomic():
        ids = make_projects(args.projects, rng, as_of)
        rows = sample_rows(ids, args.days, rng, as_of)
        (fill_postgresql if connection.vendor == "postgresql" else fill_sqlite)(rows, total)
        make_categories([pid for pid, _ in ids], rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"fill: {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--all-boards", action="store_true", help="Also time every board of the day, both ways.")
    parser.add_argument("--keep", action="store_true", help="Keep the database; reuse it when its size matches.")
    parser.add_argument("--show-queries", action="store_true", help="Print the start of each query of the build.")
    args = parser.parse_args()

    db = settings.DATABASES["default"]
    # Never the test suite's test_<name>: a benchmark may run while the tests do.
    if connection.vendor == "sqlite":
        db.setdefault("TEST", {})["NAME"] = str(ROOT / "var" / "bench-ranking.sqlite3")
    else:
        db.setdefault("TEST", {})["NAME"] = f"{db['NAME']}_bench_ranking"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keep, serialize=False)
    as_of = dt.date(2026, 6, 30)
    # Kept figures serve builds of today: the run takes place on the as-of day (the clock moves on).
    traveller = time_machine.travel(dt.datetime.combine(as_of, dt.time(12), tzinfo=dt.UTC), tick=True)
    traveller.start()
    try:
        rng = random.Random(args.seed)
        log(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        if args.keep and reusable(args):
            log("reusing the kept database")
        else:
            if args.keep:
                connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
                old_name = connection.creation.create_test_db(
                    verbosity=0, autoclobber=True, keepdb=False, serialize=False
                )
            fill(args, rng, as_of)
        samples = StatsSample.objects.count()
        ProjectFigures.objects.all().delete()
        project_ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
        out = io.StringIO()
        out.write(f"samples: {samples:,} ({len(project_ids):,} projects)\n")

        # (a) the baseline, (b) the build reading the samples, in the same run.
        baseline, _ = window_pass()
        settings.RANKING_KEEP_FIGURES = False
        tracemalloc.start()
        full, snapshot, full_queries = timed(snapshot_build, as_of=as_of, top_k=args.top, publish=False)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        # (d) keeping every row up to date as a day's refreshes do, batch by batch; then (c).
        batches = keep_up_to_date(project_ids)
        settings.RANKING_KEEP_FIGURES = True
        kept, kept_snapshot, kept_queries = timed(snapshot_build, as_of=as_of, top_k=args.top, publish=False)
        same = list(snapshot.entries.values_list("rank", "project_id", "score")) == list(
            kept_snapshot.entries.values_list("rank", "project_id", "score")
        )
        baseline_again, _ = window_pass()

        out.write(
            f"(a) one window-function pass over the samples: {baseline:.2f} s (again after: {baseline_again:.2f} s)\n"
        )
        out.write(f"(b) overall build, full figures pass: {full:.2f} s, {len(full_queries)} queries, ")
        out.write(f"python peak {peak / 1024 / 1024:.1f} MiB; (b)/(a) = {full / baseline:.2f}\n")
        out.write(f"(c) overall build, kept figures: {kept:.2f} s, {len(kept_queries)} queries; ")
        out.write(f"(c)/(a) = {kept / baseline:.2f}; same entries as (b): {same}\n")
        out.write(
            f"(d) keeping figures up to date: {sum(batches) / len(batches) * 1000:.1f} ms per batch of "
            f"{REFRESH_BATCH} (median {sorted(batches)[len(batches) // 2] * 1000:.1f} ms, max "
            f"{max(batches) * 1000:.1f} ms), {sum(batches):.1f} s for all {len(project_ids):,} projects\n"
        )
        out.write(f"kept figures table: {ProjectFigures.objects.count():,} rows\n")
        entries = snapshot.entries.count()
        flagged = snapshot.entries.exclude(flags=[]).count()
        out.write(f"snapshot: {entries} entries, {flagged} flagged for a star spike\n")
        if args.all_boards:
            month = newcomers.Month(as_of.year, as_of.month)
            for keep in (False, True):
                settings.RANKING_KEEP_FIGURES = keep
                way = "kept figures" if keep else "full pass"
                took, built, queries = timed(boards_build, as_of=as_of, top_k=args.top, publish=False)
                out.write(
                    f"every daily board ({way}): {took:.2f} s, {len(queries)} queries, "
                    f"{1 + len(built.categories)} boards\n"
                )
                took, _, queries = timed(newcomers_build, month=month)
                out.write(f"the month's newcomers ({way}): {took:.2f} s, {len(queries)} queries\n")
        maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out.write(f"process max RSS (whole run, incl. fill): {maxrss_mb:.0f} MiB\n")
        log(out.getvalue().rstrip())
        if args.show_queries:
            for query in kept_queries.captured_queries:
                log(f"  {' '.join(query['sql'].split())[:110]}")
    finally:
        traveller.stop()
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
