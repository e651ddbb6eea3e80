#!/usr/bin/env python
"""Benchmark every board of a day on the benchmarks' world (bench/_webdata.py), kept figures up to date.

The world is the full-size fixture of issue 17 when asked for (100,000 projects x 365 days,
2,000 published snapshots across the boards), built once by bench/_webdata.py (COPY on
PostgreSQL) and reused. On its last day of samples (the run travels there, as a build of
that day would run), it measures in one run:
  (a) one plain window-function pass over every sample: the baseline;
  (k) bringing every project's kept figures up to date for the day, when they are not (the
      cost refreshes pay batch by batch; a reused world has them already);
  (b) every daily board (overall and every field: ``boards_build``) and the month's
      newcomers (``newcomers_build``), built from the kept figures, not published;
  (f) with --full-pass, the same boards from the full figures pass over the samples.
The boards it makes are deleted at the end, so the world keeps its 2,000 published snapshots.

    python bench/boards.py --projects 100000 --days 365 --snapshots 2000
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mltop_world python bench/boards.py ...

The database: BENCH_DATABASE_URL, else a PostgreSQL DATABASE_URL's server with the database
name + "_bench" (bench/web.py's), else var/bench/web-<projects>.sqlite3. It prints; it never
passes or fails on time.
"""

import argparse
import datetime as dt
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(message, flush=True)


def world_url(projects: int) -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(configured)
        return urlunsplit(parts._replace(path=f"{parts.path}_bench"))
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / f'web-{projects}.sqlite3'}"


def ensure_world(url: str, args) -> dict:
    """Build the world, or reuse it when its counts match (bench/_webdata.py, in its own process)."""
    if url.startswith(("postgres://", "postgresql://")):
        sys.path.insert(0, str(ROOT / "bench"))
        from web import create_postgres_database

        create_postgres_database(url)
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "_webdata.py"), "--database-url", url]
        + ["--projects", str(args.projects), "--days", str(args.days), "--snapshots", str(args.snapshots)],
        cwd=ROOT,
        # The builder needs a secret key to start Django; it signs nothing.
        env={"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), **os.environ},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--snapshots", type=int, default=2000)
    parser.add_argument("--full-pass", action="store_true", help="Also build the boards from the full figures pass.")
    args = parser.parse_args()

    url = world_url(args.projects)
    ensure_world(url, args)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltop.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_CACHE_DIR", tempfile.mkdtemp(prefix="mltop-bench-cache-"))
    import django

    django.setup()
    import time_machine
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.models import Project
    from rankings import newcomers
    from rankings.board_services import boards_build, newcomers_build
    from rankings.kept_figures import figures_update
    from rankings.models import ProjectFigures, RankingSnapshot
    from stats.models import StatsSample

    samples = StatsSample._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(captured_on) FROM {samples}")
        (last,) = cursor.fetchone()
    as_of = dt.date.fromisoformat(str(last)[:10])
    log(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), as of {as_of}")
    log(
        f"world: {Project.objects.count():,} projects, {StatsSample.objects.count():,} samples, "
        f"{RankingSnapshot.objects.published().count():,} published snapshots"
    )

    def timed(function, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = function(**kwargs)
        return time.perf_counter() - started, result, len(queries)

    def window_pass():
        sql = f"""SELECT count(*), sum(d) FROM (
            SELECT stars - LAG(stars) OVER (PARTITION BY project_id ORDER BY captured_on) AS d FROM {samples}) t"""
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchone()
        return time.perf_counter() - started

    before = set(RankingSnapshot.objects.values_list("pk", flat=True))
    traveller = time_machine.travel(dt.datetime.combine(as_of, dt.time(23), tzinfo=dt.UTC), tick=True)
    traveller.start()
    try:
        baseline = window_pass()
        log(f"(a) one window-function pass over every sample: {baseline:.2f} s")
        fresh = ProjectFigures.objects.filter(as_of=as_of).count()
        ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
        if fresh < len(ids):
            started = time.perf_counter()
            for start in range(0, len(ids), 1000):
                figures_update(project_ids=ids[start : start + 1000])
                if start // 1000 % 10 == 9:
                    log(f"  kept figures: {start + 1000:,} / {len(ids):,} projects")
            log(
                f"(k) kept figures brought up to date for {len(ids) - fresh:,} projects: "
                f"{time.perf_counter() - started:.1f} s"
            )
        else:
            log(f"(k) kept figures already up to date for all {len(ids):,} projects")
        month = newcomers.Month(as_of.year, as_of.month)
        ways = [True, False] if args.full_pass else [True]
        for keep in ways:
            settings.RANKING_KEEP_FIGURES = keep
            way = "kept figures" if keep else "full figures pass"
            daily, built, daily_queries = timed(boards_build, as_of=as_of, publish=False)
            try:
                monthly, _, monthly_queries = timed(newcomers_build, month=month)
                newest = f"the month's newcomers {monthly:.2f} s, {monthly_queries} queries"
            except ValidationError as exc:  # a tiny world may have no eligible newcomer this month
                monthly, newest = 0.0, f"no newcomers' board: {' '.join(exc.messages)}"
            fields = len(built.categories)
            log(
                f"(b) every board of the day from {way}: {daily + monthly:.2f} s "
                f"(overall and {fields} fields {daily:.2f} s, {daily_queries} queries; {newest}); "
                f"{(daily + monthly) / baseline:.2f}x (a)"
            )
        log(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    finally:
        traveller.stop()
        made = RankingSnapshot.objects.exclude(pk__in=before)
        made.delete()


if __name__ == "__main__":
    main()
