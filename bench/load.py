"""Load run: 50 clients over the public pages and API while a refresh runs in a Celery worker.

gunicorn with the production settings on 127.0.0.1; a real Celery worker refreshing every
tracked project from the fake GitHub API (``python -m tests.fake_github``, its own process);
wrk with a Lua script spreading requests over reader pages and API endpoints. The run is
bounded twice: it stops after --requests responses or --duration seconds, whichever comes
first. Prints one Markdown section: requests, errors by status, req/s, p50 and p99, and what
the refresh did meanwhile. It never passes or fails on time; errors are reported, not hidden.

  python bench/load.py [--database sqlite|postgres] [--projects 1000 --days 90 --snapshots 50]
                       [--connections 50 --duration 30 --requests 200000] [--workers 2]

Anonymous API throttling is off for the run (API_ANON_THROTTLE_RATE=""): every wrk client
comes from 127.0.0.1, which in production would be one client, not fifty.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import web  # noqa: E402 - bench/web.py: gunicorn, data, wrk helpers shared by both benchmarks
from _webdata import slug_of  # noqa: E402 - the slugs the data builder gives projects

from mltop.queues import all_queues  # noqa: E402 - the worker listens to every queue

ROOT = web.ROOT
LUA = """
local paths = {%(paths)s}
local budget = %(budget)d
local threads = {}
local done_here = 0
statuses = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  offset = math.random(1, #paths)
  counter = 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter + offset) %% #paths + 1])
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  done_here = done_here + 1
  if done_here >= budget then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  for status, n in pairs(total) do io.write(string.format("STATUS %%s %%d\\n", status, n)) end
end
"""
# Run in the server's environment (settings are read once per process), printing one JSON line.
PREPARE = """
import json
from projects.models import Project
# Name the bench projects after the fake GitHub's synthetic repositories, so the refresh finds them.
rows = list(Project.objects.order_by("slug").only("pk"))
for i, project in enumerate(rows):
    project.repo_owner, project.repo_name = f"synth-org{i // 100}", f"synth-{i}"
    project.github_id = None
    project.etag = ""
Project.objects.bulk_update(rows, ["repo_owner", "repo_name", "github_id", "etag"], batch_size=1000)
print(json.dumps({"projects": len(rows)}))
"""
PROGRESS = """
import json, datetime as dt
from projects.models import Project
from stats.models import StatsSample
since = dt.datetime.fromisoformat(%(since)r)
print(json.dumps({
    "fetched": Project.objects.filter(last_fetched_at__gte=since).count(),
    "errors": Project.objects.filter(last_fetched_at__gte=since).exclude(fetch_error="").count(),
    "samples": StatsSample.objects.count(),
}))
"""


def progress(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


def django_json(env: dict, code: str) -> dict:
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def database_url(kind: str, projects: int) -> str:
    if kind == "sqlite":
        web.VAR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{web.VAR / f'load-{projects}.sqlite3'}"
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        raise SystemExit("--database postgres needs BENCH_DATABASE_URL or a PostgreSQL DATABASE_URL")
    parts = urlsplit(base)
    url = urlunsplit(parts._replace(path=f"{parts.path}_load"))
    web.create_postgres_database(url)
    return url


class Process:
    """A child process of the run, stopped (TERM, then KILL) when the run ends."""

    def __init__(self, command: list[str], env: dict, name: str):
        self.name = name
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=sys.stderr, text=True
        )

    def line(self) -> str:
        return self.process.stdout.readline()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def paths_for(facts: dict, projects: int) -> list[str]:
    slugs = [slug_of(i) for i in range(0, projects, max(1, projects // 20))][:20]
    pages = ["/", "/rankings/", f"/rankings/{facts['snapshot']}/", f"/rankings/{facts['current_snapshot']}/"]
    pages += ["/feed/", "/methodology/", f"/rankings/compare/?a={facts['snapshot']}&b={facts['current_snapshot']}"]
    pages += [f"/projects/{slug}/" for slug in slugs] + [f"/badge/{slug}.svg" for slug in slugs[:5]]
    api = ["/api/rankings/current/", "/api/rankings/", f"/api/rankings/{facts['snapshot']}/", "/api/authors/"]
    api += ["/api/projects/?ordering=-stars", "/api/projects/?ordering=-growth_30d"]
    api += [f"/api/projects/{slug}/" for slug in slugs[:10]]
    api += [f"/api/projects/{slug}/stats/?interval=week" for slug in slugs[:10]]
    return pages + api


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_db = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    parser.add_argument("--database", choices=["sqlite", "postgres"], default=default_db)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--snapshots", type=int, default=50)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=30, help="seconds at most")
    parser.add_argument("--requests", type=int, default=200_000, help="responses at most")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    options = parser.parse_args()
    if options.database == "postgres" and not os.environ.get("REDIS_URL"):
        raise SystemExit("--database postgres runs with Redis as cache and broker: set REDIS_URL")
    if options.database == "sqlite":
        os.environ.pop("REDIS_URL", None)
    wrk = web.ensure_wrk()

    url = database_url(options.database, options.projects)
    static_root = web.VAR / "static"
    with tempfile.TemporaryDirectory() as tmp:
        env = web.server_env(url, static_root)
        env.update(
            API_ANON_THROTTLE_RATE="",
            CELERY_BROKER_DIR=str(Path(tmp) / "celery"),  # the embedded broker, when there is no Redis
            CELERY_TASK_DEFAULT_QUEUE=f"load-{uuid.uuid4().hex[:8]}",  # never another run's queue
            GITHUB_TOKEN="",  # REST, one request per repository: the heavier refresh
            GITHUB_RETRY_BACKOFF="0.1",
        )
        progress("collectstatic")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        progress(f"data: {options.projects} projects × {options.days} days, {options.snapshots} snapshots")
        facts = web.build_data(url, env, options.projects, options.days, options.snapshots)
        django_json(env, PREPARE)
        run(options, env, facts, wrk, Path(tmp))


def run(options, env: dict, facts: dict, wrk: str, tmp: Path) -> None:
    children = []
    try:
        fake = Process(
            [sys.executable, "-m", "tests.fake_github", "--repos", str(options.projects), "--limit", "1000000000"],
            env,
            "fake GitHub",
        )
        children.append(fake)
        fake_url = fake.line().split(" on ", 1)[1].split(" ", 1)[0]
        env = {**env, "GITHUB_API_URL": fake_url}
        progress(f"fake GitHub on {fake_url}")
        worker = Process(
            [sys.executable, "-m", "celery", "-A", "mltop", "worker", "--concurrency", "1", "--loglevel", "WARNING"]
            + [
                "-Q",
                all_queues(env["CELERY_TASK_DEFAULT_QUEUE"]),
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            env,
            "Celery worker",
        )
        children.append(worker)
        web.clear_cache()
        with web.Server(env, options.workers) as server:
            paths = paths_for(facts, options.projects)
            for path in paths:  # every URL answers before the load starts
                status = requests.get(server.base + path, timeout=60).status_code
                if status != 200:
                    raise SystemExit(f"{path} answered {status} before the load started")
            started = time.time()
            since = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(started - 1))
            progress("refresh_stats: the worker refreshes every tracked project")
            subprocess.run(
                [sys.executable, "manage.py", "refresh_stats"], cwd=ROOT, env=env, check=True, stdout=sys.stderr
            )
            lua = tmp / "load.lua"
            quoted = ", ".join(json.dumps(p) for p in paths)
            lua.write_text(LUA % {"paths": quoted, "budget": max(1, options.requests // 2)})
            progress(f"wrk: {options.connections} connections, {len(paths)} URLs, {options.duration} s at most")
            command = [wrk, "-t2", f"-c{options.connections}", f"-d{options.duration}s", "--timeout", "10s"]
            out = subprocess.run(
                command + ["--latency", "-s", str(lua), server.base + "/"],
                capture_output=True,
                text=True,
                timeout=options.duration + 60,
            ).stdout
            elapsed = time.time() - started
            during = django_json(env, PROGRESS % {"since": since})
            deadline = time.monotonic() + 300
            after = during
            while after["fetched"] < options.projects and time.monotonic() < deadline:
                time.sleep(2)
                after = django_json(env, PROGRESS % {"since": since})
            refresh_seconds = time.time() - started
    finally:
        for child in reversed(children):
            child.stop()
    report(options, facts, out, paths, during, after, elapsed, refresh_seconds)


def report(options, facts, out: str, paths: list[str], during: dict, after: dict, elapsed, refresh_seconds) -> None:
    result = web.parse_wrk(out)
    statuses = {}
    for line in out.splitlines():
        if line.startswith("STATUS "):
            _, status, count = line.split()
            statuses[status] = int(count)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    errors = {s: n for s, n in statuses.items() if s != "200"}
    title = "PostgreSQL + Redis" if options.database == "postgres" else "SQLite, shared disk cache, filesystem broker"
    lines = [
        f"## Load: {options.connections} clients on pages and API during a refresh ({title})",
        "",
        f"gunicorn {options.workers} workers (gthread, 4 threads), production settings (anonymous API "
        f"throttling off: all clients are 127.0.0.1); {options.projects:,} projects × {options.days} days "
        f"of samples, {options.snapshots} published snapshots; a Celery worker (1 process) refreshing every "
        f"project from the fake GitHub API over REST meanwhile; wrk 2 threads, {options.connections} "
        f"connections, bounded by {options.duration} s and {options.requests:,} responses; {len(paths)} URLs "
        "in turn (reader pages, feed, badges, API lists, details and stats); all on the same 2 cores.",
        "",
        "| requests | errors | req/s | p50 | p99 | statuses |",
        "| ---: | ---: | ---: | ---: | ---: | --- |",
        f"| {result.requests:,} | {sum(errors.values()) + (result.errors if not statuses else 0)} | "
        f"{result.rps:,.0f} | {web.fmt_ms(result.p50)} | {web.fmt_ms(result.p99)} | "
        + (", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items())) or "none recorded")
        + " |",
        "",
        f"Socket errors: {socket_errors.group(1) if socket_errors else 'none'}.",
        f"Refresh: {during['fetched']:,} of {options.projects:,} projects fetched while the load ran "
        f"({elapsed:.0f} s), {after['fetched']:,} in all after {refresh_seconds:.0f} s "
        f"({after['errors']} with a fetch error); {after['samples']:,} samples in the database.",
        "",
        "URLs: " + ", ".join(f"`{p}`" for p in paths[:8]) + f" … ({len(paths)} in all).",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
