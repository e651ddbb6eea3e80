"""Build (or reuse) the web benchmark's database: projects, daily samples, published snapshots.

Run by bench/web.py in its own process, because Django settings are read once per process:
  python bench/_webdata.py --database-url URL --projects N --days D --snapshots S
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
    from projects.models import Project

    wanted = (options.projects, options.projects * options.days, options.snapshots)
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
            }
        )
    )


def build(projects: int, days: int, snapshots: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

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
        Topic.objects.all().delete()

    today = timezone.now().date()
    first_day = today - dt.timedelta(days=days - 1)
    topics = Topic.objects.bulk_create(Topic(slug=f"topic-{i}", name=f"Topic {i}") for i in range(50))
    authors = Author.objects.bulk_create(
        (Author(name=f"Author {i}", slug=f"bench-author-{i:05d}") for i in range(max(1, projects // 4))),
        batch_size=2000,
    )
    starts = [int(10 ** rng.uniform(1, 4.7)) for _ in range(projects)]
    growth = [rng.uniform(0, 60) for _ in range(projects)]
    final = [int(s + g * (days - 1)) for s, g in zip(starts, growth, strict=True)]
    objs = Project.objects.bulk_create(
        (
            Project(
                name=f"Bench project {i}",
                slug=slug_of(i),
                repo_owner=f"owner{i}",
                repo_name=f"repo{i}",
                description=f"Benchmark project number {i}, a machine-learning library.",
                status=Project.Status.TRACKED,
                stars=final[i],
                forks=final[i] // 7,
                watchers=final[i] // 20,
                open_issues=rng.randint(0, 400),
                stars_gained_30d=int(growth[i] * 30),
                language="Python",
                license="MIT",
                last_fetched_at=timezone.now(),
            )
            for i in range(projects)
        ),
        batch_size=2000,
    )
    Authorship.objects.bulk_create(
        (Authorship(project=p, author=authors[i % len(authors)], position=0) for i, p in enumerate(objs)),
        batch_size=5000,
    )
    through = Project.topics.through
    through.objects.bulk_create(
        (through(project_id=p.pk, topic_id=topics[i % len(topics)].pk) for i, p in enumerate(objs)), batch_size=5000
    )
    progress(f"{projects} projects")

    # Samples: raw inserts (COPY on PostgreSQL), with every column the model has, so that
    # columns added later with a default are filled as the ORM would fill them.
    fields = [f for f in StatsSample._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    table = StatsSample._meta.db_table
    postgres = connection.vendor == "postgresql"

    def prep(field_name, value):
        # psycopg's COPY adapts Python values itself; SQLite gets what Django would store.
        if postgres:
            return value
        return StatsSample._meta.get_field(field_name).get_db_prep_save(value, connection)

    defaults = {f.attname: prep(f.name, f.get_default()) for f in fields}
    day_values = []
    for d in range(days):
        day = first_day + dt.timedelta(days=d)
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        day_values.append((prep("captured_on", day), prep("captured_at", noon), prep("pushed_at", noon)))

    def rows():
        for i, project in enumerate(objs):
            for d, (captured_on, captured_at, pushed_at) in enumerate(day_values):
                stars = int(starts[i] + growth[i] * d)
                values = {
                    **defaults,
                    "project_id": project.pk,
                    "captured_on": captured_on,
                    "captured_at": captured_at,
                    "stars": stars,
                    "forks": stars // 7,
                    "watchers": stars // 20,
                    "open_issues": 10 + (i + d) % 50,
                    "pushed_at": pushed_at,
                    "source": "observed",
                }
                yield [values[f.attname] for f in fields]

    total = projects * days
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for n, row in enumerate(rows(), 1):
                    copy.write_row(row)
                    if n % 500_000 == 0:
                        progress(f"samples {n}/{total}")
        else:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('%s' for _ in columns)})"
            batch = []
            for n, row in enumerate(rows(), 1):
                batch.append(row)
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)
                    batch = []
                if n % 500_000 == 0:
                    progress(f"samples {n}/{total}")
            if batch:
                cursor.executemany(sql, batch)
    progress(f"{total} samples")

    now = timezone.now()
    snaps = RankingSnapshot.objects.bulk_create(
        RankingSnapshot(
            title=f"Weekly top 10 #{s + 1}",
            taken_at=now - dt.timedelta(days=7 * (snapshots - 1 - s)),
            origin=RankingSnapshot.Origin.COMPUTED,
            status=RankingSnapshot.Status.PUBLISHED,
            published_at=now - dt.timedelta(days=7 * (snapshots - 1 - s)),
            method="bench",
            weights=COMPONENTS,
        )
        for s in range(snapshots)
    )
    entries, previous = [], {}
    for snapshot in snaps:
        chosen = rng.sample(range(projects), min(ENTRIES_PER_SNAPSHOT, projects))
        ranks = {}
        for rank, i in enumerate(chosen, 1):
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
                    stars=final[i],
                    stars_gained_30d=int(growth[i] * 30),
                    stars_gained_365d=int(growth[i] * 365),
                    previous_rank=previous.get(i),
                    blurb=f"Why project {i} ranks here this week.",
                )
            )
            ranks[i] = rank
        previous = ranks
    RankingEntry.objects.bulk_create(entries, batch_size=5000)
    progress(f"{snapshots} published snapshots, {len(entries)} entries")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
