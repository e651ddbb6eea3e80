"""Benchmark of the GitHub refresh: prints figures, never passes or fails on time.

    .venv/bin/python bench/refresh.py --repos 10000

Tracks N synthetic repositories in a fresh database (a new SQLite file; with a PostgreSQL
DATABASE_URL, a new database beside it, "<name>_bench_refresh", dropped at the end; or
--database-url pointing at an empty database), serves them from the fake GitHub API in a separate
process over loopback HTTP, then refreshes all of them three times in this process:

1. with a token: GraphQL, 100 repositories per request;
2. without a token: REST, one request per repository; this stores each repository's ETag;
3. without a token again: REST conditional requests only, answered 304 Not Modified.

For each pass it prints the requests GitHub received, wall time, samples in the database and
how many each project has (exactly one a day: a pass on the same day updates it), and the peak
resident memory of this process so far. ``--passes 1`` runs the token pass alone (the production
refresh; the REST passes at 100,000 repositories take long on a small machine).
"""

import argparse
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import web  # noqa: E402 - bench/web.py: its PostgreSQL helpers


def serve_fake(conn, repos: int) -> None:
    from tests.fake_github import FakeGitHub, synthetic_repos

    fake = FakeGitHub(core_limit=10**9, graphql_limit=10**9)
    synthetic_repos(fake, repos)
    fake.start()
    conn.send(fake.url)
    while True:
        message = conn.recv()
        if message == "stats":
            with fake._lock:
                conn.send(
                    {
                        "requests": len(fake.requests),
                        "graphql": sum(r.path == "/graphql" for r in fake.requests),
                        "rest": sum(r.path.startswith("/repos/") for r in fake.requests),
                        "conditional": sum(r.conditional for r in fake.requests),
                        "not_modified": sum(r.status == 304 for r in fake.requests),
                    }
                )
                fake.requests.clear()
        elif message == "stop":
            fake.stop()
            conn.send("stopped")
            return


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", type=int, default=10_000, help="synthetic repositories to track (10000)")
    parser.add_argument("--database-url", default="", help="an empty database to use instead of a new SQLite file")
    parser.add_argument("--passes", default="1,2,3", help="which passes to run, e.g. 1 or 1,2,3 (all)")
    args = parser.parse_args()
    chosen = {int(number) for number in args.passes.split(",")}

    workdir = tempfile.mkdtemp(prefix="mltop-bench-")
    configured = os.environ.get("DATABASE_URL", "")
    made_beside = None
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    elif configured.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(configured)
        made_beside = urlunsplit(parts._replace(path=f"{parts.path}_bench_refresh"))
        web.create_postgres_database(made_beside, fresh=True)
        os.environ["DATABASE_URL"] = made_beside
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-0123456789-0123456789")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")
    os.environ.pop("REDIS_URL", None)  # the budget and lock in the disk cache: a folder of the run's own
    os.environ["DJANGO_CACHE_DIR"] = f"{workdir}/cache"
    os.environ["CELERY_BROKER_DIR"] = f"{workdir}/celery"
    os.environ["DJANGO_SETTINGS_MODULE"] = "mltop.settings"

    parent, child = multiprocessing.Pipe()
    fake = multiprocessing.Process(target=serve_fake, args=(child, args.repos), daemon=True)
    fake.start()
    api_url = parent.recv()
    os.environ["GITHUB_API_URL"] = api_url

    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count, Max, Min

    from github.client import GitHubClient
    from projects.models import Project
    from stats import refresh
    from stats.models import StatsSample

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    # In chunks: bulk_create holds every object it is given, and the peak memory printed below
    # is the refresh's, not the setup's.
    for first in range(0, args.repos, 5000):
        Project.objects.bulk_create(
            (
                Project(
                    name=f"synth-{i}",
                    slug=f"synth-{i}",
                    repo_owner=f"synth-org{i // 100}",
                    repo_name=f"synth-{i}",
                    status=Project.Status.TRACKED,
                )
                for i in range(first, min(first + 5000, args.repos))
            ),
            batch_size=1000,
        )
    print(f"MLTop refresh benchmark: {args.repos} repositories, fake GitHub at {api_url}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, ", end="")
    print(f"database: {django.db.connection.vendor}")
    print(f"tracked {args.repos} repositories in {time.perf_counter() - started:.1f} s", flush=True)
    print(f"peak memory before the first pass: {peak_memory_mb():.0f} MB\n", flush=True)

    ids = refresh.refresh_project_ids()
    passes = [
        ("1. token, GraphQL", "ghp_benchmarktoken"),
        ("2. no token, REST (first: stores ETags)", ""),
        ("3. no token, REST again (conditional)", ""),
    ]
    for number, (title, token) in enumerate(passes, start=1):
        if number not in chosen:
            continue
        client = GitHubClient(token=token, base_url=api_url)
        summary = refresh.RefreshSummary()
        started = time.perf_counter()
        for group in refresh.batches(ids):
            summary += refresh.project_refresh_batch(project_ids=group, client=client).summary
        elapsed = time.perf_counter() - started
        parent.send("stats")
        stats = parent.recv()
        print(title)
        print(f"  {summary.line()}")
        print(
            f"  requests to GitHub: {stats['requests']} (GraphQL {stats['graphql']}, REST {stats['rest']}, "
            f"conditional {stats['conditional']}, answered 304: {stats['not_modified']})"
        )
        per_project = (
            StatsSample.objects.values("project_id")
            .annotate(samples=Count("pk"))
            .aggregate(projects=Count("project_id"), least=Min("samples"), most=Max("samples"))
        )
        print(
            f"  wall time: {elapsed:.1f} s; samples in the database: {StatsSample.objects.count()} "
            f"({per_project['projects']} projects, {per_project['least']} to {per_project['most']} each); "
            f"peak memory: {peak_memory_mb():.0f} MB\n",
            flush=True,
        )

    parent.send("stop")
    parent.recv()
    fake.join(timeout=5)
    if made_beside:
        django.db.connections.close_all()
        web.drop_postgres_database(made_beside)


if __name__ == "__main__":
    main()
