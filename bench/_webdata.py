"""Build (or reuse) the benchmarks' world: projects in every field, daily samples, boards.

N projects: 49 in 50 tracked with D days of samples, 1 in 50 a candidate created in the last
45 days (samples from its creation day); seven in ten carry a field's topic. S published
snapshots across the boards (daily overall and field boards, monthly newcomers), ten entries
each. Samples go in by COPY on PostgreSQL. The full-size world of issue 17 is
  python bench/_webdata.py --database-url URL --projects 100000 --days 365 --snapshots 2000

Run by bench/web.py in its own process, because Django settings are read once per process.
Prints one JSON line with the ids and slugs the benchmark requests. Data is reused when the
counts already match, so only the first run pays for building it.
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BATCH = 50_000
ENTRIES_PER_SNAPSHOT = 10
# One project in fifty is a repository created in the last NEWCOMER_DAYS days, a candidate
# (2,000 at 100,000), so both this month's and last month's newcomers' boards have some.
NEWCOMER_EVERY = 50
NEWCOMER_DAYS = 45
COMPONENTS = {"popularity": 0.4, "momentum": 0.35, "engagement": 0.15, "recency": 0.1}


def progress(message: str) -> None:
    print(f"[webdata] {message}", file=sys.stderr, flush=True)


def slug_of(index: int) -> str:
    return f"bench-project-{index:05d}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--projects", type=int, required=True)
    parser.add_argument("--days", type=int, required=True)
    parser.add_argument("--snapshots", type=int, required=True)
    options = parser.parse_args()
    os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltop.settings")

    import django

    django.setup()
    from django.core.management import call_command

    from rankings.models import RankingSnapshot
    from stats.models import StatsSample

    call_command("migrate", verbosity=0)
    from projects.models import Category, Project

    wanted = (options.projects, world_plan(options.projects, options.days).samples, options.snapshots)
    have = (Project.objects.count(), StatsSample.objects.count(), RankingSnapshot.objects.published().count())
    if have != wanted:
        progress(f"building {wanted[0]} projects, {wanted[1]} samples, {wanted[2]} snapshots (found {have})")
        started = time.monotonic()
        build(options.projects, options.days, options.snapshots)
        progress(f"built in {time.monotonic() - started:.0f}s")
    else:
        progress(f"reusing the data already there: {have}")
    current = RankingSnapshot.objects.published().newest_first().first()
    middle = RankingSnapshot.objects.published().newest_first()[options.snapshots // 2]
    print(
        json.dumps(
            {
                "current_snapshot": current.pk,
                "snapshot": middle.pk,
                # The same project in every database size, so its page costs the same unless the size leaks in.
                "project": slug_of(42 % options.projects),
                "topic": Category.objects.filter(active=True).order_by("position", "pk").first().slug,
            }
        )
    )


def build(projects: int, days: int, snapshots: int) -> None:
    """The world: tracked projects in every field, the month's new candidates, samples, boards."""
    from django.db import connection, transaction
    from django.utils import timezone

    from projects.categories import categories_ensure_defaults
    from projects.models import Author, Authorship, Project, Topic
    from rankings.models import RankingEntry, RankingSnapshot
    from stats.models import StatsSample

    rng = random.Random(20180201)  # noqa: S311 - reproducible fake data
    with transaction.atomic():
        RankingEntry.objects.all().delete()
        RankingSnapshot.objects.all().delete()
        StatsSample.objects.all().delete()
        Authorship.objects.all().delete()
        Project.objects.all().delete()
        Author.objects.all().delete()
    categories_ensure_defaults()

    plan = world_plan(projects, days)
    field_topics = list(Topic.objects.filter(categories__active=True).distinct().order_by("slug"))
    Topic.objects.bulk_create((Topic(slug=f"topic-{i}", name=f"Topic {i}") for i in range(50)), ignore_conflicts=True)
    plain_topics = list(Topic.objects.filter(slug__startswith="topic-").order_by("slug"))
    authors = Author.objects.bulk_create(
        (Author(name=f"Author {i}", slug=f"bench-author-{i:05d}") for i in range(max(1, projects // 4))),
        batch_size=2000,
    )
    now = timezone.now()
    objs = Project.objects.bulk_create(
        (
            Project(
                name=f"Bench project {i}",
                slug=slug_of(i),
                repo_owner=f"owner{i}",
                repo_name=f"repo{i}",
                description=f"Benchmark project number {i}, a machine-learning library.",
                status=Project.Status.CANDIDATE if p.first_day > plan.first_day else Project.Status.TRACKED,
                stars=p.stars_on(plan.last_index(p)),
                forks=p.stars_on(plan.last_index(p)) // 7,
                watchers=p.stars_on(plan.last_index(p)) // 20,
                open_issues=rng.randint(0, 400),
                stars_gained_30d=p.gained(plan, 30),
                language="Python",
                license="MIT",
                repo_created_at=dt.datetime.combine(p.created_on, dt.time(9), tzinfo=dt.UTC),
                last_fetched_at=now,
            )
            for i, p in enumerate(plan.projects)
        ),
        batch_size=2000,
    )
    Authorship.objects.bulk_create(
        (Authorship(project=p, author=authors[i % len(authors)], position=0) for i, p in enumerate(objs)),
        batch_size=5000,
    )
    # Seven projects in ten carry a field's topic (so every field has a board), the rest a plain one.
    through = Project.topics.through
    through.objects.bulk_create(
        (
            through(
                project_id=p.pk,
                topic_id=(field_topics[i % len(field_topics)] if i % 10 < 7 else plain_topics[i % 50]).pk,
            )
            for i, p in enumerate(objs)
        ),
        batch_size=5000,
    )
    progress(f"{projects} projects ({sum(1 for p in plan.projects if p.first_day > plan.first_day)} created lately)")
    write_samples(plan, [o.pk for o in objs])
    write_snapshots(plan, objs, snapshots, rng, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class PlannedProject:
    """One project's made-up history: a start, a steady daily gain, the first day it has samples."""

    __slots__ = ("start", "growth", "first_day", "created_on")

    def __init__(self, start: int, growth: float, first_day: int, created_on: dt.date):
        self.start, self.growth, self.first_day, self.created_on = start, growth, first_day, created_on

    def stars_on(self, day_index: int) -> int:
        return int(self.start + self.growth * (day_index - self.first_day))

    def gained(self, plan, days: int) -> int:
        last = plan.last_index(self)
        return self.stars_on(last) - (self.stars_on(last - days) if last - days >= self.first_day else 0)


class WorldPlan:
    """What the fixture holds, decided before anything is written, so its size is known up front."""

    def __init__(self, projects: int, days: int):
        rng = random.Random(20180201)  # noqa: S311 - reproducible fake data
        self.today = dt.datetime.now(dt.UTC).date()
        self.days = days
        self.first_day = 0
        self.start_date = self.today - dt.timedelta(days=days - 1)
        recent = min(NEWCOMER_DAYS, days)
        self.projects = []
        for i in range(projects):
            start, growth = int(10 ** rng.uniform(1, 4.7)), rng.uniform(0, 60)
            if i % NEWCOMER_EVERY == NEWCOMER_EVERY - 1:
                # A repository created in the last month (this month's or last month's newcomer):
                # samples from its creation day only.
                created_index = days - 1 - rng.randrange(recent)
                created_on = self.start_date + dt.timedelta(days=created_index)
                self.projects.append(PlannedProject(rng.randint(0, 50), rng.uniform(5, 400), created_index, created_on))
            else:
                created_on = self.start_date - dt.timedelta(days=rng.randint(30, 3000))
                self.projects.append(PlannedProject(start, growth, 0, created_on))

    def last_index(self, project: PlannedProject) -> int:
        return self.days - 1

    @property
    def samples(self) -> int:
        return sum(self.days - p.first_day for p in self.projects)


def world_plan(projects: int, days: int) -> WorldPlan:
    return WorldPlan(projects, days)


def write_samples(plan: WorldPlan, ids: list[int]) -> None:
    """Every project's daily samples: COPY on PostgreSQL, batched inserts on SQLite."""
    from django.db import connection, transaction

    from stats.models import StatsSample

    # Raw rows with every column the model has, so that columns added later with a default are
    # filled as the ORM would fill them.
    fields = [f for f in StatsSample._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    table = StatsSample._meta.db_table
    postgres = connection.vendor == "postgresql"

    def prep(field_name, value):
        # psycopg's COPY adapts Python values itself; SQLite gets what Django would store.
        if postgres:
            return value
        return StatsSample._meta.get_field(field_name).get_db_prep_save(value, connection)

    template = {f.attname: prep(f.name, f.get_default()) for f in fields}
    template["source"] = "observed"
    slots = {name: n for n, name in enumerate(f.attname for f in fields)}
    day_values = []
    for d in range(plan.days):
        day = plan.start_date + dt.timedelta(days=d)
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        day_values.append((prep("captured_on", day), prep("captured_at", noon), prep("recorded_at", noon)))
    base = [template[f.attname] for f in fields]
    s_pid, s_on, s_at, s_rec = slots["project_id"], slots["captured_on"], slots["captured_at"], slots["recorded_at"]
    s_stars, s_forks, s_watch, s_issues, s_push = (
        slots["stars"],
        slots["forks"],
        slots["watchers"],
        slots["open_issues"],
        slots["pushed_at"],
    )

    def rows():
        for i, (pid, planned) in enumerate(zip(ids, plan.projects, strict=True)):
            row = list(base)
            row[s_pid] = pid
            for d in range(planned.first_day, plan.days):
                captured_on, captured_at, recorded_at = day_values[d]
                stars = int(planned.start + planned.growth * (d - planned.first_day))
                row[s_on], row[s_at], row[s_rec], row[s_push] = captured_on, captured_at, recorded_at, captured_at
                row[s_stars], row[s_forks], row[s_watch] = stars, stars // 7, stars // 20
                row[s_issues] = 10 + (i + d) % 50
                yield row

    total = plan.samples
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for n, row in enumerate(rows(), 1):
                    copy.write_row(row)
                    if n % 1_000_000 == 0:
                        rate = n / (time.monotonic() - started)
                        progress(f"samples {n:,}/{total:,} ({rate:,.0f}/s, {(total - n) / rate:.0f} s left)")
        else:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('%s' for _ in columns)})"
            batch = []
            for n, row in enumerate(rows(), 1):
                batch.append(tuple(row))
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)
                    batch = []
                if n % 1_000_000 == 0:
                    progress(f"samples {n:,}/{total:,}")
            if batch:
                cursor.executemany(sql, batch)
    progress(f"{total:,} samples in {time.monotonic() - started:.0f} s")


def write_snapshots(plan: WorldPlan, objs, snapshots: int, rng: random.Random, now: dt.datetime) -> None:
    """Published snapshots across the boards: daily overall and field boards, monthly newcomers.

    Of every 20 snapshots, 8 are the overall board, 11 field boards (the fields in turn) and
    one a month's newcomers, each board's going back one period at a time from today.
    """
    from projects.models import Category
    from rankings.models import RankingEntry, RankingSnapshot

    categories = list(Category.objects.filter(active=True).order_by("position", "pk"))
    per_board: dict[tuple, int] = {}
    specs = []
    for s in range(snapshots):
        slot = s % 20
        if slot < 8 or not categories:
            key = ("overall", None)
        elif slot < 19:
            key = ("category", categories[(s // 20 * 11 + slot - 8) % len(categories)])
        else:
            key = ("new", None)
        back = per_board.get((key[0], key[1] and key[1].pk), 0)
        per_board[(key[0], key[1] and key[1].pk)] = back + 1
        if key[0] == "new":
            month = plan.today.replace(day=1)
            for _ in range(back + 1):
                month = (month - dt.timedelta(days=1)).replace(day=1)
            period, taken = month.strftime("%Y-%m"), dt.datetime.combine(month, dt.time(6), tzinfo=dt.UTC)
        else:
            day = plan.today - dt.timedelta(days=back)
            period, taken = day.isoformat(), dt.datetime.combine(day, dt.time(6), tzinfo=dt.UTC)
        specs.append((key[0], key[1], period, min(taken, now)))
    specs.sort(key=lambda spec: spec[3])
    snaps = RankingSnapshot.objects.bulk_create(
        (
            RankingSnapshot(
                board=board,
                category=category,
                period=period,
                taken_at=taken,
                origin=RankingSnapshot.Origin.COMPUTED,
                status=RankingSnapshot.Status.PUBLISHED,
                published_at=taken,
                method="bench",
                weights=COMPONENTS,
            )
            for board, category, period, taken in specs
        ),
        batch_size=1000,
    )
    entries, previous = [], {}
    for snapshot in snaps:
        chosen = rng.sample(range(len(objs)), min(ENTRIES_PER_SNAPSHOT, len(objs)))
        board_key = (snapshot.board, snapshot.category_id)
        ranks = {}
        for rank, i in enumerate(chosen, 1):
            planned = plan.projects[i]
            breakdown = {}
            for name, weight in COMPONENTS.items():
                value = rng.random()
                breakdown[name] = {"value": value, "weight": weight, "contribution": value * weight}
            entries.append(
                RankingEntry(
                    snapshot=snapshot,
                    project=objs[i],
                    rank=rank,
                    score=sum(c["contribution"] for c in breakdown.values()),
                    breakdown=breakdown,
                    stars=planned.stars_on(plan.days - 1),
                    stars_gained_30d=planned.gained(plan, 30),
                    stars_gained_365d=planned.gained(plan, 365),
                    previous_rank=previous.get(board_key, {}).get(i),
                    blurb=f"Why project {i} ranks here.",
                )
            )
            ranks[i] = rank
        previous[board_key] = ranks
        if len(entries) >= 20_000:
            RankingEntry.objects.bulk_create(entries, batch_size=5000)
            entries = []
    RankingEntry.objects.bulk_create(entries, batch_size=5000)
    progress(f"{snapshots} published snapshots across {len(per_board)} boards")


if __name__ == "__main__":
    main()
