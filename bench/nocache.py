#!/usr/bin/env python
"""Reader pages and the catalogue API computed without any cache, on the benchmarks' world.

Every request computes its response in full (bench/_nocache_settings.py: the production
settings with Django's DummyCache and no copies kept in the process), one at a time through
Django's handler in this process (no HTTP server, no other load: the cost of the request
itself). Per URL: the median and 90th percentile of --repeat timed requests after one
untimed, the response's bytes and its SQL queries. The catalogue's two busy orders are
requested on their first page and --depth pages in, reached by following the `next` cursor
links as a client would; a keyset page costs the same at any depth.

The world is bench/_webdata.py's (built there once, reused): issue 17's full size is
    python bench/nocache.py --projects 100000 --days 365 --snapshots 2000
with BENCH_DATABASE_URL naming its database (else a PostgreSQL DATABASE_URL's server with
the database name + "_bench", else var/bench/web-<projects>.sqlite3, as bench/boards.py).
It prints; it never passes or fails on time.
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from boards import ensure_world, world_url  # noqa: E402

# (label, target p50 in ms) per row of the report; the URLs come from the world.
TARGETS = {"home": 20, "snapshot": 20, "topic": 20, "project": 30, "api": 30}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--snapshots", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=21, help="timed requests per URL (21)")
    parser.add_argument("--depth", type=int, default=500, help="catalogue pages to walk before the deep one (500)")
    args = parser.parse_args()

    url = world_url(args.projects)
    facts = ensure_world(url, args)
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="bench._nocache_settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_STATIC_MANIFEST="false",
        DJANGO_LOG_LEVEL="WARNING",
        # The throttle still runs on every API request, at a rate one reader walking 500 pages stays under.
        API_ANON_THROTTLE_RATE="1000000/minute",
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()

    def get(path):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        return response

    def deep(path: str) -> str:
        """The URL --depth pages into ``path``'s listing, reached by its `next` links."""
        for _ in range(args.depth):
            following = get(path).json().get("next")
            if not following:
                break
            path = following.removeprefix("http://testserver")
        return path

    rows = [
        ("home", "/"),
        ("snapshot", f"/rankings/{facts['current_snapshot']}/"),
        ("snapshot", f"/rankings/{facts['snapshot']}/"),
        ("topic", f"/topics/{facts['topic']}/"),
        ("project", f"/projects/{facts['project']}/"),
    ]
    for order in ("-stars", "-growth_30d"):
        first = f"/api/projects/?ordering={order}"
        rows += [("api", first), ("api", deep(first))]

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}); {args.repeat} timed requests each")
    print("")
    print("| URL | p50 ms | p90 ms | bytes | SQL queries | target p50 | verdict |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for label, path in rows:
        get(path)
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = get(path)
                times.append((time.perf_counter() - started) * 1000)
        p50 = statistics.median(times)
        p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else p50
        target = TARGETS[label]
        verdict = "met" if p50 <= target else "missed"
        shown = path if len(path) <= 70 else path[:67] + "..."
        print(
            f"| `{shown}` | {p50:.1f} | {p90:.1f} | {len(response.content):,} | {len(queries)} | {target} | {verdict} |"
        )


if __name__ == "__main__":
    main()
