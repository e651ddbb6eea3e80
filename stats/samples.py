"""Writing samples: one row per project per UTC day, upserted so re-runs never duplicate."""

from __future__ import annotations

import datetime as dt

from projects.models import Project

from .models import StatsSample
from .signals import samples_written


def sample_for(project: Project, captured_at: dt.datetime) -> StatsSample:
    """``project``'s current figures as an unsaved sample for the UTC day of ``captured_at``."""
    return StatsSample(
        project_id=project.pk,
        captured_on=captured_at.astimezone(dt.UTC).date(),
        captured_at=captured_at,
        stars=project.stars,
        forks=project.forks,
        watchers=project.watchers,
        open_issues=project.open_issues,
        pushed_at=project.pushed_at,
        source=StatsSample.Source.OBSERVED,
    )


def samples_upsert(samples: list[StatsSample]) -> None:
    """Insert samples, or update the day's row that exists: atomic in the database, so races cannot duplicate."""
    if samples:
        StatsSample.objects.bulk_create(
            samples,
            update_conflicts=True,
            unique_fields=["project", "captured_on"],
            update_fields=["captured_at", "stars", "forks", "watchers", "open_issues", "pushed_at", "source"],
        )
        samples_written.send(sender=StatsSample, project_ids=sorted({s.project_id for s in samples}))


def sample_record(*, project: Project, captured_at: dt.datetime) -> StatsSample:
    """Write ``project``'s current figures as its sample for the UTC day of ``captured_at``."""
    samples_upsert([sample_for(project, captured_at)])
    return StatsSample.objects.get(project=project, captured_on=captured_at.astimezone(dt.UTC).date())


def first_samples_record(*, project_ids: list[int], captured_at: dt.datetime | None = None) -> int:
    """Today's sample from the figures of those projects that have stars and no sample today; how many."""
    from django.utils import timezone

    captured_at = captured_at or timezone.now()
    day = captured_at.astimezone(dt.UTC).date()
    projects = Project.objects.filter(pk__in=project_ids, stars__isnull=False).exclude(samples__captured_on=day)
    new = [sample_for(project, captured_at) for project in projects]
    samples_upsert(new)
    return len(new)


def sample_record_article(*, project: Project, captured_at: dt.datetime, stars: int) -> StatsSample:
    """A star count printed in an article, as ``project``'s sample for that UTC day (source
    ``import``: figures someone else published, as a CSV's are).

    A day that already has a sample keeps it: what was observed beats what was printed.
    """
    sample, created = StatsSample.objects.get_or_create(
        project=project,
        captured_on=captured_at.astimezone(dt.UTC).date(),
        defaults={"captured_at": captured_at, "stars": stars, "source": StatsSample.Source.IMPORT},
    )
    if created:
        samples_written.send(sender=StatsSample, project_ids=[project.pk])
    return sample
