"""Reader pages: time per request and SQL queries, cold (cache empty) and warm, at two data sizes.

Prints figures; passes or fails on nothing. Runs on a throwaway SQLite database under /tmp
unless DATABASE_URL is set (give it a database you can afford to fill and empty):

    .venv/bin/python bench/bench_pages.py [--repeat 20]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltop.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
_tmp = tempfile.mkdtemp(prefix="mltop-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_CACHE_DIR", f"{_tmp}/cache")  # without Redis: never var/cache, another database's

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tests.builders import build_rankings  # noqa: E402
from tests.conftest import clear_app_cache  # noqa: E402  (never FLUSHDB: the broker shares Redis)

SIZES = [
    {"snapshots": 3, "entries": 10, "authors": 1, "samples": 30},
    {"snapshots": 24, "entries": 100, "authors": 5, "samples": 365},
]


def measure(client: Client, url: str, *, repeat: int, cold: bool) -> tuple[float, int]:
    timings, queries = [], 0
    for _ in range(repeat):
        if cold:
            clear_app_cache()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(timings), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"database: {connection.vendor}; median of {args.repeat} requests each")
    print(f"{'size':<50} {'page':<20} {'cold ms':>8} {'q':>3} {'warm ms':>8} {'q':>3}")
    for size in SIZES:
        with transaction.atomic():
            projects, snapshots = build_rankings(**size)
            author = projects[0].authorships.first().author
            urls = [
                ("/", "/"),
                ("/rankings/", "/rankings/"),
                ("/rankings/<id>/", f"/rankings/{snapshots[-1].pk}/"),
                ("/rankings/compare/", f"/rankings/compare/?a={snapshots[0].pk}&b={snapshots[-1].pk}"),
                ("/projects/<slug>/", f"/projects/{projects[5].slug}/"),
                ("/authors/<slug>/", f"/authors/{author.slug}/"),
                ("/feed/", "/feed/"),
                ("/badge/<slug>.svg", f"/badge/{projects[5].slug}.svg"),
            ]
            client = Client()
            label = ", ".join(f"{k}={v}" for k, v in size.items())
            for name, url in urls:
                cold_ms, cold_q = measure(client, url, repeat=args.repeat, cold=True)
                warm_ms, warm_q = measure(client, url, repeat=args.repeat, cold=False)
                print(f"{label:<50} {name:<20} {cold_ms:8.1f} {cold_q:3d} {warm_ms:8.1f} {warm_q:3d}")
            transaction.set_rollback(True)
        clear_app_cache()


if __name__ == "__main__":
    main()
