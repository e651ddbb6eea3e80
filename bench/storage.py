#!/usr/bin/env python
"""Storage of samples: bytes per sample on disk, and whether monthly partitioning would pay.

Creates a database beside the configured one (``<name>_storage`` on PostgreSQL,
``var/bench-storage.sqlite3`` on SQLite), writes N projects x D days of samples in the order
production writes them (day by day, every project each day), and prints:

- the size of the samples table after VACUUM ANALYZE, split into the heap, the rest
  (free-space and visibility maps, TOAST) and each index, per sample and per year at
  100,000 projects;
- what a day of the six-hourly refresh writes: one insert per project, then three upserts
  of the same row (``stats.samples.samples_upsert``), and how much of that is dead space;
- on PostgreSQL, the same rows in a copy partitioned by month (``PARTITION BY RANGE
  (captured_on)``), and, for both tables, the time of the build's figures pass
  (``rankings.figures.candidates_as_of``), of a project page's history read
  (``rankings.selectors.projects.project_star_samples``), of a day's upsert, and of
  dropping the oldest month (DELETE and VACUUM against DETACH and DROP). The real functions
  run against the partitioned copy by swapping the two tables' names.

It prints; it never passes or fails on time. SQLite has no declarative partitioning: that
part is skipped there, with the reason printed.

    .venv/bin/python bench/storage.py --projects 10000 --days 365
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mltop .venv/bin/python bench/storage.py --projects 20 --days 30
"""

import argparse
import contextlib
import dataclasses
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
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

from projects.models import Project  # noqa: E402
from rankings.figures import candidates_as_of  # noqa: E402
from rankings.scoring import Parameters  # noqa: E402
from rankings.selectors.projects import project_star_samples  # noqa: E402
from stats.models import StatsSample  # noqa: E402
from stats.refresh import BATCH_SIZE as REFRESH_BATCH  # noqa: E402
from stats.samples import samples_upsert  # noqa: E402

TABLE = StatsSample._meta.db_table
MONTHLY = "bench_samples_monthly"  # the partitioned copy's name while it is not being measured
ASIDE = "bench_samples_plain"  # the plain table's name while the copy stands in for it
YEAR_AT = 100_000  # the catalogue size the issue asks a year's growth for
AS_OF = dt.date(2026, 6, 30)
SQLITE_BATCH = 50_000
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
    print(message, file=sys.stderr, flush=True)


# --- The fixture (the row generator follows bench/ranking.py's, written day by day) ---------------


def make_projects(n: int, rng: random.Random) -> list[int]:
    projects = [
        Project(
            name=f"Bench project {i}",
            slug=f"bench-{i}",
            repo_owner=f"bench{i // 1000}",
            repo_name=f"repo{i}",
            status=Project.Status.TRACKED,
            pushed_at=dt.datetime.combine(AS_OF - dt.timedelta(days=rng.randint(0, 500)), dt.time(), tzinfo=dt.UTC),
        )
        for i in range(n)
    ]
    Project.objects.bulk_create(projects, batch_size=2000)
    return list(Project.objects.order_by("pk").values_list("pk", flat=True))


def sample_rows(project_ids: list[int], days: int, rng: random.Random):
    """Daily figures per project (a log-normal start, a steady pace with noise, a rare spike),
    day by day as the refresh writes them, so the heap and the indexes are laid out as in production.
    """
    first = AS_OF - dt.timedelta(days=days - 1)
    # Per project: stars, pace, forks ratio, watchers ratio, spike day, last push.
    state = [
        [
            int(rng.lognormvariate(6, 1.6)),
            rng.lognormvariate(0.5, 1.5),
            rng.uniform(0.05, 0.3),
            rng.uniform(0.01, 0.05),
            rng.randrange(days) if rng.random() < 0.05 else -1,
            first,
        ]
        for _ in project_ids
    ]
    for d in range(days):
        day = first + dt.timedelta(days=d)
        at = dt.datetime.combine(day, dt.time(3), tzinfo=dt.UTC)
        for pid, s in zip(project_ids, state, strict=True):
            s[0] += int(rng.expovariate(1 / s[1]))
            if d == s[4]:
                s[0] += rng.randint(2_000, 20_000)
            if rng.random() < 0.2:
                s[5] = day
            pushed = dt.datetime.combine(s[5], dt.time(2), tzinfo=dt.UTC)
            stars = s[0]
            yield (
                pid,
                day,
                at,
                stars,
                int(stars * s[2]),
                int(stars * s[3]),
                rng.randint(0, 200),
                pushed,
                "observed",
                at,
            )


def fill_postgresql(rows, total: int) -> None:
    done = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            done += 1
            if done % 1_000_000 == 0:
                log(f"  {done:,} / {total:,} samples")


def fill_sqlite(rows, total: int) -> None:
    ops = connection.ops
    sql = f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    batch, done = [], 0
    with connection.cursor() as cursor:
        for row in rows:
            dates = (ops.adapt_datefield_value(row[1]), ops.adapt_datetimefield_value(row[2]))
            batch.append((row[0], *dates, *row[3:7], ops.adapt_datetimefield_value(row[7]), row[8], dates[1]))
            if len(batch) >= SQLITE_BATCH:
                cursor.executemany(sql, batch)
                done += len(batch)
                batch = []
                if done % 1_000_000 == 0:
                    log(f"  {done:,} / {total:,} samples")
        if batch:
            cursor.executemany(sql, batch)


def execute(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


# --- Sizes -----------------------------------------------------------------------------------------


@dataclasses.dataclass
class Sizes:
    rows: int
    heap: int  # the main fork: the rows themselves
    rest: int  # free-space map, visibility map and TOAST
    indexes: dict[str, int]  # by what they index

    @property
    def total(self) -> int:
        return self.heap + self.rest + sum(self.indexes.values())


def leaves_sql(relation: str) -> str:
    """The leaf relations under ``relation`` (SQL): its partitions', or itself when it is not partitioned."""
    return (
        f"(SELECT relid FROM pg_partition_tree({relation}) WHERE isleaf"
        f" UNION ALL SELECT {relation}::regclass WHERE NOT EXISTS (SELECT FROM pg_partition_tree({relation})))"
    )


def pg_sizes(table: str) -> Sizes:
    """Sizes summed over a table's leaf partitions (a plain table is its own only leaf)."""
    heap, rest = execute(
        "SELECT COALESCE(SUM(pg_relation_size(relid, 'main')), 0),"
        " COALESCE(SUM(pg_table_size(relid) - pg_relation_size(relid, 'main')), 0)"
        f" FROM {leaves_sql('%(table)s::regclass')} AS leaf (relid)",
        {"table": table},
    )[0]
    indexes = {}
    for definition, primary, unique, size in execute(
        "SELECT pg_get_indexdef(i.indexrelid), i.indisprimary, i.indisunique,"
        f" (SELECT COALESCE(SUM(pg_relation_size(relid)), 0) FROM {leaves_sql('i.indexrelid')} AS leaf (relid))"
        " FROM pg_index i WHERE i.indrelid = %(table)s::regclass ORDER BY i.indisprimary DESC, i.indisunique DESC, 1",
        {"table": table},
    ):
        columns = definition[definition.rindex("(") + 1 : definition.rindex(")")]
        kind = "primary key" if primary else "unique" if unique else "index"
        indexes[f"{kind} ({columns})"] = int(size)
    rows = execute(f"SELECT COUNT(*) FROM {table}")[0][0]
    return Sizes(rows, int(heap), int(rest), indexes)


def sqlite_sizes(table: str) -> Sizes | None:
    """Pages per b-tree from the dbstat virtual table; None when this SQLite lacks it."""
    try:
        pages = dict(execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"))
    except Exception:  # noqa: BLE001 - dbstat is a compile-time option of SQLite
        return None
    indexes = {}
    for _, name, unique, origin, _ in execute(f"PRAGMA index_list({table})"):
        columns = ", ".join(column for _, _, column in execute(f"PRAGMA index_info({name})"))
        kind = "primary key" if origin == "pk" else "unique" if unique else "index"
        indexes[f"{kind} ({columns})"] = pages.get(name, 0)
    rows = execute(f"SELECT COUNT(*) FROM {table}")[0][0]
    return Sizes(rows, pages.get(table, 0), 0, indexes)


def sizes(table: str = TABLE) -> Sizes | None:
    return pg_sizes(table) if connection.vendor == "postgresql" else sqlite_sizes(table)


def vacuum_analyze(table: str = TABLE) -> None:
    """The table vacuumed, and statistics for every table: the planner needs the projects' too."""
    if connection.vendor == "postgresql":
        execute(f"VACUUM ANALYZE {table}")
    execute("ANALYZE")


# --- The partitioned copy (PostgreSQL) -------------------------------------------------------------


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from ``first``'s to ``last``'s, both included."""
    month, months = first.replace(day=1), []
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def create_monthly_copy(first: dt.date, last: dt.date) -> float:
    """The samples again in a table partitioned by month, with the same columns, constraints and
    indexes, written in the same order with its indexes in place (as production would write it).

    The primary key must include the partition key, so it becomes (id, captured_on); an identity
    column cannot be declared on a partitioned table before PostgreSQL 17, so ids come from a
    sequence. A default partition takes any day no monthly partition covers.
    """
    execute(f"CREATE TABLE {MONTHLY} (LIKE {TABLE} INCLUDING CONSTRAINTS) PARTITION BY RANGE (captured_on)")
    execute(f"CREATE SEQUENCE {MONTHLY}_id_seq OWNED BY {MONTHLY}.id")
    execute(f"ALTER TABLE {MONTHLY} ALTER COLUMN id SET DEFAULT nextval('{MONTHLY}_id_seq')")
    for start in month_starts(first, last):
        end = (start + dt.timedelta(days=32)).replace(day=1)
        execute(
            f"CREATE TABLE {MONTHLY}_{start:%Y%m} PARTITION OF {MONTHLY} FOR VALUES FROM (%s) TO (%s)", [start, end]
        )
    execute(f"CREATE TABLE {MONTHLY}_default PARTITION OF {MONTHLY} DEFAULT")
    execute(f"ALTER TABLE {MONTHLY} ADD PRIMARY KEY (id, captured_on)")
    execute(f"ALTER TABLE {MONTHLY} ADD CONSTRAINT {MONTHLY}_unique_window UNIQUE (project_id, captured_on)")
    execute(f"CREATE INDEX {MONTHLY}_captured_on ON {MONTHLY} (captured_on)")
    execute(f"CREATE INDEX {MONTHLY}_project_id ON {MONTHLY} (project_id)")
    execute(
        f"ALTER TABLE {MONTHLY} ADD FOREIGN KEY (project_id) REFERENCES {Project._meta.db_table} (id)"
        " DEFERRABLE INITIALLY DEFERRED"
    )
    seconds, _ = timed(lambda: execute(f"INSERT INTO {MONTHLY} SELECT * FROM {TABLE} ORDER BY captured_on, project_id"))
    execute(f"SELECT setval('{MONTHLY}_id_seq', (SELECT MAX(id) FROM {MONTHLY}))")
    return seconds


@contextlib.contextmanager
def monthly_in_place():
    """The partitioned copy under the samples table's name, so the application's own queries read it."""
    with transaction.atomic():
        execute(f"ALTER TABLE {TABLE} RENAME TO {ASIDE}")
        execute(f"ALTER TABLE {MONTHLY} RENAME TO {TABLE}")
    try:
        yield
    finally:
        with transaction.atomic():
            execute(f"ALTER TABLE {TABLE} RENAME TO {MONTHLY}")
            execute(f"ALTER TABLE {ASIDE} RENAME TO {TABLE}")


def leaves(table: str) -> list[str]:
    """The tables that hold the rows: the partitions, or the table itself when it is not partitioned."""
    sql = f"SELECT relid::regclass::text FROM {leaves_sql('%(table)s::regclass')} AS leaf (relid)"
    return [name for (name,) in execute(sql, {"table": table})]


def autovacuum_off(table: str) -> None:
    """So dead rows stay until the run's own VACUUM, which it times (partitions carry the setting)."""
    for leaf in leaves(table):
        execute(f"ALTER TABLE {leaf} SET (autovacuum_enabled = false)")


def dead_rows(table: str) -> tuple[int, int, int]:
    """Updates, of which HOT (no new index entries), and dead rows, summed over the leaves."""
    execute("SELECT pg_stat_force_next_flush()")
    execute("SELECT 1")  # the flush happens at the end of a transaction
    return tuple(
        int(v)
        for v in execute(
            "SELECT COALESCE(SUM(n_tup_upd), 0), COALESCE(SUM(n_tup_hot_upd), 0), COALESCE(SUM(n_dead_tup), 0)"
            f" FROM pg_stat_user_tables WHERE relid IN {leaves_sql('%(table)s::regclass')}",
            {"table": table},
        )[0]
    )


# --- What is timed ---------------------------------------------------------------------------------


def figures_pass() -> int:
    """The build's one window-function pass over the history window, every row fetched."""
    return sum(1 for _ in candidates_as_of(as_of=AS_OF, params=Parameters.from_settings(settings)))


def history_reads(project_ids: list[int]) -> float:
    """The median time of a project page's star history read (every sample of one project)."""
    times = []
    for pid in project_ids:
        seconds, samples = timed(lambda pid=pid: project_star_samples(project_id=pid))
        assert samples, f"project {pid} has no samples"
        times.append(seconds)
    return statistics.median(times)


def day_upsert(project_ids: list[int], day: dt.date, rng: random.Random) -> float:
    """One refresh's samples for ``day``: a transaction per batch of projects, as stats.refresh writes them."""
    at = dt.datetime.combine(day, dt.time(rng.choice((0, 6, 12, 18))), tzinfo=dt.UTC)
    started = time.perf_counter()
    for i in range(0, len(project_ids), REFRESH_BATCH):
        batch = [
            StatsSample(
                project_id=pid,
                captured_on=day,
                captured_at=at,
                stars=rng.randint(100, 100_000),
                forks=rng.randint(0, 5_000),
                watchers=rng.randint(0, 2_000),
                open_issues=rng.randint(0, 200),
                pushed_at=at,
            )
            for pid in project_ids[i : i + REFRESH_BATCH]
        ]
        with transaction.atomic():
            samples_upsert(batch)
    return time.perf_counter() - started


@dataclasses.dataclass
class DayWrites:
    insert_s: float
    update_s: float  # the mean of the day's three later refreshes
    heap_by_insert: int
    heap_by_updates: int
    indexes_by_updates: int
    updates: int = 0
    hot_updates: int = 0
    dead_after: int = 0
    vacuum_s: float = 0.0
    dead_after_vacuum: int = 0
    heap_by_next_day: int = 0


def day_of_refreshes(project_ids: list[int], rng: random.Random, table: str = TABLE) -> DayWrites:
    """Four refreshes of the day after the fixture (one insert and three updates of each row), then on
    PostgreSQL a VACUUM and the next day's insert: how much the updates leave behind, and whether
    the next day reuses it.
    """
    day = AS_OF + dt.timedelta(days=1)
    postgres = connection.vendor == "postgresql"
    if postgres:
        autovacuum_off(table)
        before_stats = dead_rows(table)
    before = sizes(table)
    insert_s = day_upsert(project_ids, day, rng)
    inserted = sizes(table)
    update_s = statistics.mean(day_upsert(project_ids, day, rng) for _ in range(3))
    updated = sizes(table)
    writes = DayWrites(
        insert_s=insert_s,
        update_s=update_s,
        heap_by_insert=inserted.heap - before.heap if before else 0,
        heap_by_updates=updated.heap - inserted.heap if before else 0,
        indexes_by_updates=sum(updated.indexes.values()) - sum(inserted.indexes.values()) if before else 0,
    )
    if postgres:
        updates, hot, dead = (a - b for a, b in zip(dead_rows(table), before_stats, strict=True))
        writes.updates, writes.hot_updates, writes.dead_after = updates, hot, dead
        writes.vacuum_s = timed(lambda: execute(f"VACUUM {table}"))[0]
        vacuumed = sizes(table)
        writes.dead_after_vacuum = dead_rows(table)[2]
        day_upsert(project_ids, day + dt.timedelta(days=1), rng)
        writes.heap_by_next_day = sizes(table).heap - vacuumed.heap
    return writes


def oldest_month_cutoff(first: dt.date) -> dt.date:
    """Retention drops the fixture's oldest calendar month: samples before the next month's first day."""
    return (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def retention_by_delete(cutoff: dt.date) -> tuple[int, float, float]:
    """Rows deleted, seconds of the DELETE, and (PostgreSQL) of the VACUUM that makes their space reusable."""
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(f"DELETE FROM {TABLE} WHERE captured_on < %s", [cutoff])
        seconds, deleted = time.perf_counter() - started, cursor.rowcount
    vacuum_s = timed(lambda: execute(f"VACUUM {TABLE}"))[0] if connection.vendor == "postgresql" else 0.0
    return deleted, seconds, vacuum_s


def retention_by_partitions(cutoff: dt.date) -> tuple[int, float]:
    """Monthly partitions wholly before ``cutoff`` detached and dropped: how many, and the seconds."""
    old = [name for name in leaves(MONTHLY) if not name.endswith("_default") and name[-6:] < f"{cutoff:%Y%m}"]
    started = time.perf_counter()
    for name in old:
        with transaction.atomic():
            execute(f"ALTER TABLE {MONTHLY} DETACH PARTITION {name}")
            execute(f"DROP TABLE {name}")
    return len(old), time.perf_counter() - started


# --- The report ------------------------------------------------------------------------------------


def mib(n: float) -> str:
    return f"{n / 1024 / 1024:,.1f} MiB"


def per_sample(n: int, rows: int) -> str:
    return f"{n / rows:.1f}" if rows else "-"


def size_table(columns: dict[str, Sizes]) -> list[str]:
    """Bytes per sample and in total, per part of the table, one column per table measured."""
    names = list(columns)
    lines = [
        "| part | " + " | ".join(f"{name}: bytes/sample | {name}: total" for name in names) + " |",
        "| --- |" + " ---: | ---: |" * len(names),
    ]
    parts = ["heap (rows)", "maps and TOAST"]
    for s in columns.values():
        parts += [label for label in s.indexes if label not in parts]
    parts.append("all")
    for part in parts:
        cells = []
        for s in columns.values():
            n = {"heap (rows)": s.heap, "maps and TOAST": s.rest, "all": s.total}.get(part, s.indexes.get(part))
            cells.append("- | -" if n is None else f"{per_sample(n, s.rows)} | {mib(n)}")
        label = f"**{part}**" if part == "all" else part
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timed read, per table (median)")
    parser.add_argument("--reads", type=int, default=20, help="projects whose history is read, per table")
    parser.add_argument("--size-only", action="store_true", help="fill and measure the size; nothing else")
    parser.add_argument("--keep", action="store_true", help="leave the database for a look afterwards")
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args()

    db = settings.DATABASES["default"]
    postgres = connection.vendor == "postgresql"
    # Never the test suite's test_<name>: a benchmark may run while the tests do.
    db.setdefault("TEST", {})["NAME"] = (
        f"{db['NAME']}_storage" if postgres else str(ROOT / "var" / "bench-storage.sqlite3")
    )
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    out: list[str] = ["## Storage of samples", ""]
    try:
        rng = random.Random(args.seed)
        total = args.projects * args.days
        first = AS_OF - dt.timedelta(days=args.days - 1)
        log(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        log(f"filling {args.projects:,} projects x {args.days} days = {total:,} samples, day by day")
        with transaction.atomic():
            ids = make_projects(args.projects, rng)
        fill = fill_postgresql if postgres else fill_sqlite
        with transaction.atomic():  # one transaction: SQLite would otherwise sync the file after every row
            fill_s, _ = timed(lambda: fill(sample_rows(ids, args.days, rng), total))
        vacuum_analyze()
        plain = sizes()
        out += [
            f"{args.projects:,} projects x {args.days} days = {total:,} samples on {connection.vendor}, "
            f"written day by day (fill {fill_s:.0f} s), measured after {'VACUUM ANALYZE' if postgres else 'ANALYZE'}.",
            "",
        ]
        if plain is None:
            file_size = Path(connection.settings_dict["NAME"]).stat().st_size
            out += [
                f"This SQLite has no dbstat table: the whole database file is {mib(file_size)}, "
                f"{per_sample(file_size, total)} bytes per sample (projects included).",
                "",
            ]
        else:
            year = plain.total / plain.rows * YEAR_AT * 365 if plain.rows else 0
            out += size_table({"plain": plain})
            out += [
                "",
                f"Growth per year at {YEAR_AT:,} projects (one sample per project per day): "
                f"{year / 1024**3:,.2f} GiB ({plain.total / plain.rows:.1f} bytes x {YEAR_AT * 365:,} samples).",
                "",
            ]
        if args.size_only:
            return

        readers = rng.sample(ids, min(args.reads, len(ids)))
        monthly = None
        if postgres:
            log("copying into the monthly partitions")
            copy_s = create_monthly_copy(first, AS_OF + dt.timedelta(days=31))
            vacuum_analyze(MONTHLY)
            monthly = pg_sizes(MONTHLY)
            out += [
                f"The same rows partitioned by month ({len(leaves(MONTHLY))} partitions, "
                f"copied in {copy_s:.0f} s with the indexes in place):",
                "",
            ]
            out += size_table({"plain": plain, "monthly": monthly})
            out.append("")
        else:
            out += ["Partitioning: skipped, SQLite has no declarative partitioning.", ""]

        log("timing the figures pass and history reads")
        timings: dict[str, dict[str, float]] = {"plain": {}, "monthly": {}}
        passes: dict[str, list[float]] = {"plain": [], "monthly": []}
        reads: dict[str, list[float]] = {"plain": [], "monthly": []}
        candidates = 0
        for _ in range(args.repeat):  # alternating, so both tables see the same machine
            seconds, candidates = timed(figures_pass)
            passes["plain"].append(seconds)
            reads["plain"].append(history_reads(readers))
            if monthly is not None:
                with monthly_in_place():
                    seconds, _ = timed(figures_pass)
                    passes["monthly"].append(seconds)
                    reads["monthly"].append(history_reads(readers))
        for name in timings:
            if passes[name]:
                timings[name]["figures pass (s)"] = statistics.median(passes[name])
                timings[name]["history read (ms)"] = statistics.median(reads[name]) * 1000

        log("a day of refreshes")
        days = {"plain": day_of_refreshes(ids, rng)}
        if monthly is not None:
            with monthly_in_place():
                days["monthly"] = day_of_refreshes(ids, rng)

        log("retention")
        cutoff = oldest_month_cutoff(first)
        deleted, delete_s, delete_vacuum_s = retention_by_delete(cutoff)
        timings["plain"]["drop oldest month (s)"] = delete_s + delete_vacuum_s
        if monthly is not None:
            dropped, drop_s = retention_by_partitions(cutoff)
            timings["monthly"]["drop oldest month (s)"] = drop_s

        names = [name for name in timings if timings[name]]
        out += [
            f"Timings (median of {args.repeat} runs): the figures pass returns {candidates:,} candidates over the "
            f"history window; the history read is a project page's (every sample of one project, "
            f"median over {len(readers)} projects); a day's refresh writes {len(ids):,} samples in transactions "
            f"of {REFRESH_BATCH}.",
            "",
            "| | " + " | ".join(names) + " |",
            "| --- |" + " ---: |" * len(names),
        ]
        for label in timings["plain"]:
            out.append(f"| {label} | " + " | ".join(f"{timings[n].get(label, 0):.3f}" for n in names) + " |")
        for label, field in (
            ("day's first refresh, inserts (s)", "insert_s"),
            ("each later refresh, updates (s)", "update_s"),
        ):
            out.append(f"| {label} | " + " | ".join(f"{getattr(days[n], field):.3f}" for n in names) + " |")
        out += [
            "",
            f"Retention: samples before {cutoff} ({deleted:,} rows). Plain: DELETE {delete_s:.3f} s, then VACUUM "
            f"{delete_vacuum_s:.3f} s; the file keeps its size, the space is reused by later days."
            + (
                f" Monthly: DETACH and DROP of {dropped} partition(s) {drop_s:.3f} s; the space goes back to the "
                "file system."
                if monthly is not None
                else ""
            ),
            "",
            "A day of the six-hourly refresh (one insert of each project's row, then three upserts of the same row):",
            "",
        ]
        for name, w in days.items():
            rows = len(ids)
            line = (
                f"- {name}: the insert grew the heap {per_sample(w.heap_by_insert, rows)} bytes/sample; the three "
                f"updates grew it {per_sample(w.heap_by_updates, rows)} bytes/sample more and the indexes "
                f"{per_sample(w.indexes_by_updates, rows)}"
            )
            if postgres:
                line += (
                    f"; {w.updates:,} updates, {w.hot_updates:,} of them HOT (no new index entries), "
                    f"{w.dead_after:,} dead rows before VACUUM ({w.vacuum_s:.2f} s), {w.dead_after_vacuum:,} after; "
                    f"then the next day's "
                    f"insert grew the heap {per_sample(w.heap_by_next_day, rows)} bytes/sample"
                )
            out.append(line + ".")
    finally:
        print("\n".join(out))
        if args.keep:
            log(f"kept the database {connection.settings_dict['NAME']}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
