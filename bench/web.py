"""Web benchmark: gunicorn with the production settings (2 workers) on 127.0.0.1, loaded by wrk.

For each endpoint: requests/s, p50 and p99 latency, and the ratio to a trivial view that
returns a constant (/livez, the ceiling), in three modes:
- cold: a freshly started server with an empty cache (Redis keys or cache folders cleared), the URL requested
  again and again: concurrent first misses compute once, later requests hit if it is cached;
- warm: then the same URL on the same server, its response in the cache, in 1-second runs
  alternating with 1-second runs of the ceiling and of a static file (the site's stylesheet
  under its hashed name, served by WhiteNoise from the same gunicorn with the same settings:
  what a cached page is compared with, as the cheapest thing the server sends); load from
  elsewhere on the machine moves from second to second, and alternating makes it weigh on
  all three alike;
- miss: a second server whose cache keeps nothing (bench/_nocache_settings.py: the production
  settings with Django's DummyCache), so every request computes its response in full.
Every wrk run is repeated while a gunicorn worker holds less than half its share of the
connections: a worker that wakes first can accept them all, and the run then measures one
worker, half the server, whatever the URL (load()); a cold run is repeated on a fresh server
with an empty cache, since a repeat on the same server would find the cache filled.
Then the project page and stats endpoint in miss mode on the large and a 100-project database,
both served at once and measured in turn, to compare their costs.

The load is many readers behind one reverse proxy, as in production (.env.example sets
API_NUM_PROXIES=1): every request carries an X-Forwarded-For address, one of CLIENTS in
turn, so the API's anonymous throttling (at its default rate) runs on every API request
and no simulated client reaches its limit.

  python bench/web.py [--database sqlite|postgres] [--projects 10000 --days 365 --snapshots 400]
                      [--duration 5] [--connections 8]

SQLite data lives in var/bench/; PostgreSQL uses BENCH_DATABASE_URL, else DATABASE_URL's
server with the database name + "_bench" (and "_bench_small"); PostgreSQL mode needs
REDIS_URL (the cache). Built data is reused by later runs. URLs that do not exist yet are
reported as missing. Loopback only; every wrk run is bounded by --duration.
"""

import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
CACHE_DIRS = VAR / "cache"
CEILING = "/livez"
# The warm reference besides the ceiling: a file WhiteNoise serves (its hashed URL is read from
# the manifest collectstatic writes).
STATIC_FILE = "css/mltop.css"
# cold: a fresh server and an empty cache, the URL repeated (concurrent misses compute once);
# warm: the cache filled; miss: a server whose cache keeps nothing (the cost of computing).
MODES = ("cold", "warm", "miss")
NOCACHE_SETTINGS = "bench._nocache_settings"
CLIENTS = 10_000
CLIENTS_LUA = f"""
local counter = 0
function request()
  counter = counter + 1
  local client = counter % {CLIENTS}
  local address = "10.0." .. math.floor(client / 256) .. "." .. (client % 256)
  return wrk.format(nil, nil, {{["X-Forwarded-For"] = address}})
end
"""


def progress(message: str) -> None:
    print(f"[web] {message}", file=sys.stderr, flush=True)


@dataclass
class Result:
    rps: float = 0.0
    p50: float = 0.0  # milliseconds
    p99: float = 0.0
    requests: int = 0
    errors: int = 0
    status: str = "ok"
    balanced: bool = True  # every gunicorn worker held its share of the connections


def ensure_wrk() -> str:
    if not shutil.which("wrk") and os.geteuid() == 0 and shutil.which("apt-get"):
        progress("wrk is missing: installing Debian's package")
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": False}
        if subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], **quiet).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], **quiet)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], **quiet)
    path = shutil.which("wrk")
    if not path:
        raise SystemExit("bench/web.py needs wrk, the HTTP load generator: install it with `apt-get install wrk`.")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_urls(kind: str, projects: int, small: int) -> tuple[str, str]:
    if kind == "sqlite":
        VAR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{VAR / f'web-{projects}.sqlite3'}", f"sqlite:///{VAR / f'web-{small}.sqlite3'}"
    base = os.environ.get("BENCH_DATABASE_URL")
    if not base:
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            raise SystemExit("--database postgres needs BENCH_DATABASE_URL or a PostgreSQL DATABASE_URL")
        parts = urlsplit(url)
        base = urlunsplit(parts._replace(path=f"{parts.path}_bench"))
    parts = urlsplit(base)
    small_url = urlunsplit(parts._replace(path=f"{parts.path}_small"))
    for each in (base, small_url):
        create_postgres_database(each)
    return base, small_url


def create_postgres_database(url: str, *, fresh: bool = False) -> None:
    """Create ``url``'s database if it is missing; ``fresh=True`` drops an existing one first."""
    with _postgres_admin(url) as (conn, name):
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_postgres_database(url: str) -> None:
    with _postgres_admin(url) as (conn, name):
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@contextmanager
def _postgres_admin(url: str):
    """A connection to the server's ``postgres`` database, and the name of ``url``'s database."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        yield conn, parts.path.lstrip("/")


def cache_folder(database_url: str) -> Path:
    """Without Redis, the servers (and workers) of one database share a cache folder of their
    own: never a development server's var/cache, nor another database's (its pages and
    generation would be served for this one)."""
    return CACHE_DIRS / hashlib.sha256(database_url.encode()).hexdigest()[:12]


def server_env(database_url: str, static_root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_CACHE_DIR=str(cache_folder(database_url)),
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_STATIC_MANIFEST="true",
        DJANGO_CONN_MAX_AGE="60",
        DJANGO_LOG_LEVEL="WARNING",
        GUNICORN_ACCESS_LOG="",
        GUNICORN_LOG_LEVEL="warning",
        # No worker recycling in the middle of a measurement.
        GUNICORN_MAX_REQUESTS="0",
        # Behind one reverse proxy, as .env.example sets up production: throttling reads the
        # client's address from X-Forwarded-For (the load sends many).
        API_NUM_PROXIES="1",
    )
    return env


def static_url(static_root: Path) -> str:
    """The URL of STATIC_FILE under its hashed name, as pages link to it."""
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return f"/static/{manifest['paths'][STATIC_FILE]}"


def build_data(url: str, env: dict, projects: int, days: int, snapshots: int) -> dict:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "_webdata.py"), "--database-url", url]
        + ["--projects", str(projects), "--days", str(days), "--snapshots", str(snapshots)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


class Server:
    def __init__(self, env: dict, workers: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # gunicorn writes to our stderr: stdout carries the Markdown report only.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "mltop/gunicorn.conf.py"]
            + ["--workers", str(workers), "--bind", f"127.0.0.1:{self.port}", "mltop.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=sys.stderr,
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self):
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(self.base + CEILING, timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> Result:
    def latency(pct):
        match = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        return float(match.group(1)) * UNITS[match.group(2)] if match else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return Result(
        rps=float(rps.group(1)) if rps else 0.0,
        p50=latency(50),
        p99=latency(99),
        requests=int(total.group(1)) if total else 0,
        errors=errors,
    )


# How often a run whose connections all went to one gunicorn worker is repeated.
BALANCE_TRIES = 8
unbalanced_runs = 0


def load(
    wrk: str, url: str, *, duration: int, connections: int, lua: Path, workers: int = 2, repeat: bool = True
) -> Result:
    """One wrk run, repeated while its connections are not spread over the server's workers.

    wrk opens its keep-alive connections at once and a gthread worker that wakes first can
    accept all of them, leaving the other idle: the run then measures one worker, about half
    the server, whatever the URL. So the split is read while the run is under way (``ss``) and
    a run that leaves a worker without its share is measured again; with ``repeat=False`` (a
    cold run, which a repeat would find warm) it is returned marked ``balanced=False``.
    """
    global unbalanced_runs
    command = [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency", "-s", str(lua)]
    port = urlsplit(url).port
    for _ in range(BALANCE_TRIES if repeat else 1):
        process = subprocess.Popen(command + [url], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        time.sleep(min(0.3, duration / 4))
        split = connections_per_process(port)
        out, _err = process.communicate(timeout=duration + 30)
        if split is None or is_balanced(split, connections=connections, workers=workers):
            return parse_wrk(out)
        unbalanced_runs += 1
    result = parse_wrk(out)
    result.balanced = False
    return result


def connections_per_process(port: int) -> list[int] | None:
    """The established connections on ``port`` held by each server process; None without ``ss``."""
    if not shutil.which("ss"):
        return None
    out = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"], capture_output=True, text=True
    ).stdout
    held: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", out):
        held[pid] = held.get(pid, 0) + 1
    return sorted(held.values())


def is_balanced(split: list[int], *, connections: int, workers: int) -> bool:
    """Every worker holds at least half its even share of the connections."""
    return len(split) == workers and min(split) >= max(1, connections // (2 * workers))


def measure(env: dict, workers: int, wrk: str, paths: dict, options, lua: Path, static: str) -> dict:
    """Each URL on a freshly started server with an empty cache: cold, then warm; then miss on
    a server whose cache keeps nothing.

    The reference for a URL's ratios is the ceiling on the same server: one run just before
    the URL's, and one-second runs interleaved with the URL's warm runs (load from elsewhere on
    the machine moves from second to second, so interleaving makes it weigh on both alike).
    Warm runs are also interleaved with one-second runs of the static file ``static``, the
    second reference of warm mode (``results[(label, "static")]``).
    """
    results = {}

    def run(server, url, duration, *, repeat=True):
        return load(
            wrk,
            server.base + url,
            duration=duration,
            connections=options.connections,
            lua=lua,
            workers=options.workers,
            repeat=repeat,
        )

    for label, path in paths.items():
        # Miss first, on a server whose cache keeps nothing: it also tells whether the URL
        # exists without putting anything in the cache that the cold run starts from.
        with Server({**env, "DJANGO_SETTINGS_MODULE": NOCACHE_SETTINGS}, workers) as server:
            status = requests.get(server.base + path, timeout=60).status_code
            if status == 200:
                run(server, CEILING, 1)
                progress(f"miss {path}")
                results[(label, "miss")] = run(server, path, options.duration)
        if status != 200:
            for mode in ("ceiling", "static", *MODES):
                results[(label, mode)] = Result(status=f"missing ({status})" if status == 404 else f"HTTP {status}")
            continue
        for attempt in range(BALANCE_TRIES):
            clear_cache()
            with Server(env, workers) as server:
                # An unrecorded second of the ceiling warms the processes (imports, URLconf),
                # not the cache: cold means an empty cache.
                run(server, CEILING, 1)
                progress(f"ceiling before {path}")
                before = run(server, CEILING, options.duration)
                progress(f"cold {path}")
                cold = run(server, path, options.duration, repeat=False)
                if not cold.balanced and attempt < BALANCE_TRIES - 1:
                    continue  # measured again on a fresh server: a repeat here would start warm
                results[(label, "cold")] = cold
                progress(f"warm {path} (interleaved with the ceiling and the static file)")
                ceilings, statics, warms = [], [], []
                for _ in range(options.duration):
                    ceilings.append(run(server, CEILING, 1))
                    statics.append(run(server, static, 1))
                    warms.append(run(server, path, 1))
                results[(label, "warm")] = mean_of(warms)
                results[(label, "static")] = mean_of(statics)
                results[(label, "ceiling")] = mean_of([before, mean_of(ceilings)])
            break
    clear_cache()
    return results


def mean_of(runs: list[Result]) -> Result:
    count = len(runs)
    return Result(
        rps=sum(r.rps for r in runs) / count,
        p50=sum(r.p50 for r in runs) / count,
        p99=sum(r.p99 for r in runs) / count,
        requests=sum(r.requests for r in runs),
        errors=sum(r.errors for r in runs),
    )


def compare_sizes(envs: dict, paths: dict, labels: list, options, wrk: str, lua: Path, rounds: int = 2) -> dict:
    """Miss mode on the large and the small database, each on its own cacheless server, both
    running at once and measured in turn (round after round, each run after the ceiling on its
    server), so that load from elsewhere on the machine weighs on both sizes alike.

    Returns {(label, size): (mean result, mean ceiling)}.
    """
    runs: dict = {}
    servers = {}
    try:
        for size, env in envs.items():
            servers[size] = Server({**env, "DJANGO_SETTINGS_MODULE": NOCACHE_SETTINGS}, options.workers)
            load(
                wrk,
                servers[size].base + CEILING,
                duration=1,
                connections=options.connections,
                lua=lua,
                workers=options.workers,
            )
        for _ in range(rounds):
            for label in labels:
                for size, server in servers.items():
                    progress(f"size {size}: {paths[size][label]}")
                    ceiling = load(
                        wrk,
                        server.base + CEILING,
                        duration=options.duration,
                        connections=options.connections,
                        lua=lua,
                        workers=options.workers,
                    )
                    result = load(
                        wrk,
                        server.base + paths[size][label],
                        duration=options.duration,
                        connections=options.connections,
                        lua=lua,
                        workers=options.workers,
                    )
                    runs.setdefault((label, size), []).append((result, ceiling))
    finally:
        for server in servers.values():
            server.stop()
    return {key: (mean_of([r for r, _ in pairs]), mean_of([c for _, c in pairs])) for key, pairs in runs.items()}


def clear_cache() -> None:
    """Empty the cache the servers start from: their folders without Redis (no server is
    running when this is called), else our keys in Redis."""
    shutil.rmtree(CACHE_DIRS, ignore_errors=True)
    url = os.environ.get("REDIS_URL")
    if not url:
        return
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match="mltop:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def fmt_ms(value: float) -> str:
    return f"{value:.2f} ms" if value == value else "n/a"


def table(results: dict, paths: dict, mode: str) -> list[str]:
    lines = [
        "| endpoint | req/s | p50 | p99 | ceiling req/s, p99 | req/s ÷ ceiling | p99 ÷ ceiling p99 | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, path in paths.items():
        r = results[(label, mode)]
        if r.status != "ok":
            lines.append(f"| `{path}` | {r.status} | | | | | | |")
            continue
        ceiling = results[(label, "ceiling")]
        ratio = r.rps / ceiling.rps if ceiling.rps else float("nan")
        p99_ratio = r.p99 / ceiling.p99 if ceiling.p99 else float("nan")
        reference = f"{ceiling.rps:,.0f}, {fmt_ms(ceiling.p99)}"
        figures = f"{r.rps:,.0f} | {fmt_ms(r.p50)} | {fmt_ms(r.p99)} | {reference} | {ratio:.2f} | {p99_ratio:.1f}"
        figures += f" | {r.errors}"
        lines.append(f"| `{path}` | {figures} |")
    return lines


def warm_table(results: dict, paths: dict) -> list[str]:
    """Warm figures with both references: the ceiling (/livez) and the static file, each
    measured in the 1-second runs alternating with the URL's."""
    lines = [
        "| endpoint | req/s | p50 | p99 | static req/s, p99 | req/s ÷ static | ceiling req/s "
        "| req/s ÷ ceiling | static ÷ ceiling | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, path in paths.items():
        r = results[(label, "warm")]
        if r.status != "ok":
            lines.append(f"| `{path}` | {r.status} | | | | | | | | |")
            continue
        static, ceiling = results[(label, "static")], results[(label, "ceiling")]
        to_static = r.rps / static.rps if static.rps else float("nan")
        to_ceiling = r.rps / ceiling.rps if ceiling.rps else float("nan")
        static_to_ceiling = static.rps / ceiling.rps if ceiling.rps else float("nan")
        lines.append(
            f"| `{path}` | {r.rps:,.0f} | {fmt_ms(r.p50)} | {fmt_ms(r.p99)} | {static.rps:,.0f}, {fmt_ms(static.p99)} "
            f"| {to_static:.2f} | {ceiling.rps:,.0f} | {to_ceiling:.2f} | {static_to_ceiling:.2f} "
            f"| {r.errors + static.errors} |"
        )
    return lines


# Warm targets (issue 17): requests/s of a cached response over those of the static file.
WARM_TARGETS = {"home": 0.8, "api_current": 0.6}


def targets(results: dict, paths: dict) -> list[str]:
    lines = ["Targets, as measured in this run:", ""]
    for mode in ("warm", "cold"):
        for label, path in paths.items():
            r = results[(label, mode)]
            ceiling = results.get((label, "ceiling"))
            if label == "ceiling" or (mode == "warm" and label not in WARM_TARGETS):
                continue
            if r.status != "ok":
                lines.append(f"- {mode} `{path}`: not measured, {r.status}")
                continue
            ratio = r.rps / ceiling.rps
            if mode == "warm":
                target, to_static = WARM_TARGETS[label], r.rps / results[(label, "static")].rps
                verdict = "met" if to_static >= target else "missed"
                lines.append(
                    f"- warm `{path}`: {to_static:.2f} of the static file's req/s (target ≥ {target:.2f}): "
                    f"{verdict}; {ratio:.2f} of the ceiling's"
                )
            elif mode == "cold":
                p99_ratio = r.p99 / ceiling.p99
                verdict = "met" if ratio >= 0.25 and p99_ratio < 10 else "missed"
                lines.append(
                    f"- cold `{path}`: {ratio:.2f} of the ceiling's req/s (≥ 0.25), "
                    f"p99 {p99_ratio:.1f}× the ceiling's (< 10): {verdict}"
                )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_db = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    parser.add_argument("--database", choices=["sqlite", "postgres"], default=default_db)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--snapshots", type=int, default=400)
    parser.add_argument("--small-projects", type=int, default=100)
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per URL and mode")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="measure only these rows, e.g. home,api_current (for profiling work)")
    options = parser.parse_args()
    if options.database == "postgres" and not os.environ.get("REDIS_URL"):
        raise SystemExit("--database postgres runs with Redis as the cache: set REDIS_URL")
    if options.database == "sqlite":
        os.environ.pop("REDIS_URL", None)  # the embedded default: the disk cache its processes share
    wrk = ensure_wrk()

    big_url, small_url = database_urls(options.database, options.projects, options.small_projects)
    static_root = VAR / "static"
    env = server_env(big_url, static_root)
    progress("collectstatic")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    progress(f"data: {options.projects} projects × {options.days} days, {options.snapshots} snapshots")
    big = build_data(big_url, env, options.projects, options.days, options.snapshots)
    progress(f"data: {options.small_projects} projects × {options.days} days")
    small = build_data(
        small_url, server_env(small_url, static_root), options.small_projects, options.days, options.snapshots
    )

    def paths_for(facts):
        return {
            "ceiling": CEILING,
            "home": "/",
            "snapshot": f"/rankings/{facts['snapshot']}/",
            "project": f"/projects/{facts['project']}/",
            "api_current": "/api/rankings/current/",
            "api_projects": "/api/projects/?ordering=-stars",
            "api_growth": "/api/projects/?ordering=-growth_30d",
            "api_stats": f"/api/projects/{facts['project']}/stats/?interval=week",
        }

    paths = paths_for(big)
    if options.only:
        wanted = {"ceiling", *options.only.split(",")}
        paths = {k: v for k, v in paths.items() if k in wanted}
    size_labels = [label for label in ("project", "api_stats") if label in paths]
    with tempfile.TemporaryDirectory() as tmp:
        lua = Path(tmp) / "clients.lua"
        lua.write_text(CLIENTS_LUA)
        results = measure(env, options.workers, wrk, paths, options, lua, static_url(static_root))
        sizes = compare_sizes(
            {"large": env, "small": server_env(small_url, static_root)},
            {"large": paths, "small": paths_for(small)},
            size_labels,
            options,
            wrk,
            lua,
        )

    title = "PostgreSQL + Redis" if options.database == "postgres" else "SQLite, shared disk cache"
    out = [
        f"## Web: gunicorn + wrk ({title})",
        "",
        f"Configuration: {options.projects:,} projects × {options.days} days of samples "
        f"({options.projects * options.days:,} rows), {options.snapshots} published snapshots of 10; "
        f"gunicorn {options.workers} workers (gthread, 4 threads), production settings; "
        f"wrk 1 thread, {options.connections} connections, {options.duration} s per URL and mode, on the same 2 cores.",
        "Ceiling: `/livez`, a view that returns a constant, measured on the same freshly started server "
        f"for {options.duration} s just before each URL and in 1-second runs alternating with the URL's warm "
        "runs (its columns: the mean of the two); every ratio is to that reference. "
        f"Cold: empty cache at the start, the URL repeated for {options.duration} s; warm: the response "
        f"cached, {options.duration} runs of 1 s (figures: their means); miss: a server "
        "whose cache keeps nothing (Django's DummyCache), the full cost of the view. "
        f"Load: {CLIENTS:,} simulated readers behind one proxy (X-Forwarded-For, `API_NUM_PROXIES=1`), "
        "so API throttling runs at its default rate on every API request. "
        "A wrk run in which one gunicorn worker held fewer than half its share of the connections "
        f"(read with `ss` during the run) was measured again: {unbalanced_runs} such runs in this report.",
        "",
        "### Cold (cache empty at the start)",
        "",
        *table(results, paths, "cold"),
        "",
        "### Miss (every request computes)",
        "",
        *table(results, paths, "miss"),
        "",
        "### Warm",
        "",
        f"Static file: `{static_url(static_root)}` ({STATIC_FILE}, served by WhiteNoise), in 1-second runs "
        "alternating with the URL's and the ceiling's (its columns: their means).",
        "",
        *warm_table(results, paths),
        "",
        *targets(results, paths),
        "",
        f"### Size: {options.projects:,} vs {options.small_projects} projects (miss mode, same days of samples)",
        "",
        "Both databases served at once by cacheless servers and measured in turn, two rounds each "
        "(figures are their means), each run just after the ceiling on its server. Cost = the ceiling's "
        "req/s ÷ the endpoint's req/s: the time of a request in units of the trivial view's, which "
        "cancels out load from elsewhere on the machine; the verdict compares costs.",
        "",
        "| endpoint | p50 large | p50 small | p50 ratio | req/s large | req/s small "
        "| cost large | cost small | cost ratio (large ÷ small) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    notes = []
    for label in size_labels:
        (a, ceiling_a), (b, ceiling_b) = sizes[(label, "large")], sizes[(label, "small")]
        if not (a.rps and b.rps and ceiling_a.rps and ceiling_b.rps):
            out.append(f"| `{paths[label]}` | not measured (no responses) | | | | | | | |")
            continue
        cost_a, cost_b = ceiling_a.rps / a.rps, ceiling_b.rps / b.rps
        out.append(
            f"| `{paths[label]}` | {fmt_ms(a.p50)} | {fmt_ms(b.p50)} | {a.p50 / b.p50:.2f} "
            f"| {a.rps:,.0f} | {b.rps:,.0f} | {cost_a:.1f} | {cost_b:.1f} | {cost_a / cost_b:.2f} |"
        )
        verdict = "met" if cost_a / cost_b <= 2 else "missed"
        notes.append(
            f"- `{paths[label]}` within 2× of its time on {options.small_projects} projects: "
            f"{cost_a / cost_b:.2f}× (p50 {a.p50 / b.p50:.2f}×): {verdict}"
        )
    out += ["", *notes]
    print("\n".join(out))


if __name__ == "__main__":
    main()
