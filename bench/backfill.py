"""Benchmark of the star-history backfill: prints figures, never passes or fails on time.

    .venv/bin/python bench/backfill.py --repos 1000

Catalogues N synthetic repositories of mixed ages (log-uniform from three days to ten
years, stars on random days) in a fresh SQLite file (or --database-url: an empty database),
each with today's observed count, serves their star histories from the fake GitHub API in a
separate process over loopback HTTP, then runs ``backfill_stats``' work in this process:

1. every project: every page of each history (30 weeks a page);
2. the same projects again: a re-run, which asks nothing when no day is missing.

For each pass it prints the requests GitHub received, wall time, rows written and the peak
resident memory of this process so far.
"""

import argparse
import datetime as dt
import io
import math
import multiprocessing
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEN_YEARS = 3650


def ages(count: int, seed: int = 15, oldest: int = TEN_YEARS) -> list[int]:
    rng = random.Random(seed)
    return [round(math.exp(rng.uniform(math.log(3), math.log(oldest)))) for _ in range(count)]


def serve_fake(conn, repos: int, oldest: int) -> None:
    from tests.fake_github import FakeGitHub

    fake = FakeGitHub(core_limit=10**9)
    today = dt.datetime.now(dt.UTC).date()
    rng = random.Random(16)
    for i, age in enumerate(ages(repos, oldest=oldest)):
        created = today - dt.timedelta(days=age)
        name = f"synth-org{i // 100}/synth-{i}"
        fake.add_repo(name, created_at=f"{created.isoformat()}T12:00:00Z")
        for day in range(0, age + 1, rng.randint(1, 4)):
            fake.stars_on(name, created + dt.timedelta(days=day), rng.randint(1, 40))
    fake.start()
    conn.send((fake.url, {f"synth-{i}": repo.stars for i, repo in enumerate(fake.repos.values())}))
    while True:
        message = conn.recv()
        if message == "stats":
            with fake._lock:
                conn.send(len(fake.requests))
                fake.requests.clear()
        elif message == "stop":
            fake.stop()
            conn.send("stopped")
            return


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", type=int, default=1000, help="synthetic repositories (1000)")
    parser.add_argument("--database-url", default="", help="an empty database to use instead of a new SQLite file")
    parser.add_argument(
        "--oldest-days",
        type=int,
        default=TEN_YEARS,
        help="age of the oldest repository in days (3650); 62 for a month's newcomers, backfilled the month after",
    )
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="mltop-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-0123456789-0123456789")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")
    os.environ.pop("REDIS_URL", None)
    os.environ["CELERY_BROKER_DIR"] = f"{workdir}/celery"
    os.environ["DJANGO_SETTINGS_MODULE"] = "mltop.settings"

    parent, child = multiprocessing.Pipe()
    fake = multiprocessing.Process(target=serve_fake, args=(child, args.repos, args.oldest_days), daemon=True)
    fake.start()
    api_url, stars = parent.recv()
    os.environ["GITHUB_API_URL"] = api_url

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from github.client import GitHubClient
    from projects.models import Project
    from stats import services
    from stats.models import StatsSample

    call_command("migrate", verbosity=0)
    now = timezone.now()
    projects = Project.objects.bulk_create(
        (
            Project(
                name=f"synth-{i}",
                slug=f"synth-{i}",
                repo_owner=f"synth-org{i // 100}",
                repo_name=f"synth-{i}",
                status=Project.Status.TRACKED,
                stars=stars[f"synth-{i}"],
                repo_created_at=now - dt.timedelta(days=age),
            )
            for i, age in enumerate(ages(args.repos, oldest=args.oldest_days))
        ),
        batch_size=1000,
    )
    StatsSample.objects.bulk_create(
        StatsSample(project=p, captured_on=now.date(), captured_at=now, stars=p.stars) for p in projects
    )
    weeks = sum(math.ceil((age + 7) / 7) for age in ages(args.repos, oldest=args.oldest_days))
    print(
        f"MLTop backfill benchmark: {args.repos} repositories aged 3 to {args.oldest_days} days, "
        f"fake GitHub at {api_url}"
    )
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, ", end="")
    print(f"database: {django.db.connection.vendor}; about {weeks} weeks of history in all\n")

    ids = [p.pk for p in projects]
    for title in ("1. first backfill, every page", "2. re-run"):
        rows_before = StatsSample.objects.count()
        started = time.perf_counter()
        summary = services.backfill_sync(ids, stream=io.StringIO(), client=GitHubClient(base_url=api_url, token=""))
        elapsed = time.perf_counter() - started
        parent.send("stats")
        received = parent.recv()
        print(title)
        print(f"  {summary.line()}")
        print(
            f"  requests to GitHub: {received}; wall time: {elapsed:.1f} s; "
            f"rows written: {StatsSample.objects.count() - rows_before}; peak memory: {peak_memory_mb():.0f} MB\n"
        )

    parent.send("stop")
    parent.recv()
    fake.join(timeout=5)


if __name__ == "__main__":
    main()
