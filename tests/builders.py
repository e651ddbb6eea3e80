"""Rankings of any size for page tests: published snapshots with credits, topics and samples."""

import datetime as dt

from django.utils import timezone

from rankings.models import RankingSnapshot
from rankings.services import snapshot_publish
from stats.models import StatsSample

from . import factories


def build_projects(count: int, *, authors: int = 1, topics: int = 1, samples: int = 0, today: dt.date | None = None):
    """``count`` tracked projects, each with ``authors`` credits, ``topics`` topics and daily samples."""
    today = today or timezone.now().date()
    projects = []
    for i in range(count):
        project = factories.ProjectFactory(
            paper_urls=["https://arxiv.org/abs/1234.5678"], demo_url="https://example.org/d"
        )
        for position in range(authors):
            factories.AuthorshipFactory(project=project, position=position)
        project.topics.set([factories.TopicFactory(slug=f"topic-{i}-{n}") for n in range(topics)])
        StatsSample.objects.bulk_create(
            StatsSample(
                project=project,
                captured_on=today - dt.timedelta(days=day),
                captured_at=timezone.now() - dt.timedelta(days=day),
                stars=1000 + 10 * (samples - day) + i,
            )
            for day in range(samples)
        )
        projects.append(project)
    return projects


def publish_snapshot(projects, *, title: str, taken_at: dt.datetime, order=None, **extra) -> RankingSnapshot:
    """A snapshot ranking ``projects`` (in ``order`` of indexes, default as given), published."""
    snapshot = factories.RankingSnapshotFactory(title=title, taken_at=taken_at, **extra)
    order = order if order is not None else range(len(projects))
    for rank, index in enumerate(order, start=1):
        factories.RankingEntryFactory(
            snapshot=snapshot,
            project=projects[index],
            rank=rank,
            stars=5000 - rank,
            score=1 - rank / 100,
            breakdown={
                "popularity": {"value": 0.5, "weight": 0.4, "contribution": 0.2},
                "momentum": {"value": 0.25, "weight": 0.3, "contribution": 0.075},
                "engagement": {"value": 1.0, "weight": 0.2, "contribution": 0.2},
                "recency": {"value": 0.0, "weight": 0.1, "contribution": 0.0},
            },
        )
    return snapshot_publish(snapshot=snapshot)


def build_rankings(*, snapshots: int = 2, entries: int = 10, authors: int = 1, topics: int = 1, samples: int = 0):
    """``snapshots`` published monthly rankings of ``entries`` projects; each month the order rotates by one."""
    projects = build_projects(entries + snapshots, authors=authors, topics=topics, samples=samples)
    start = timezone.now() - dt.timedelta(days=30 * snapshots)
    published = []
    for month in range(snapshots):
        order = [(month + i) % len(projects) for i in range(entries)]
        published.append(
            publish_snapshot(
                projects, title=f"Ranking {month + 1}", taken_at=start + dt.timedelta(days=30 * month), order=order
            )
        )
    return projects, published
