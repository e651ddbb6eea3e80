"""Reads about projects as the rankings see them: live star figures, ranks, history."""

import datetime as dt

from django.db.models import F, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from projects.models import Project
from stats.gains import gain_annotations
from stats.models import StatsSample

from ..models import RankingEntry, RankingSnapshot

SPARKLINE_SAMPLES = 60
GAIN_DAYS = 30


def with_star_figures(queryset, project_ref: str, *, today: dt.date | None = None):
    """``queryset`` annotated with ``latest_stars``, ``latest_on`` (its day) and ``gained_30d``.

    ``project_ref`` names the project id in the outer query (``"project_id"`` on entries,
    ``"pk"`` on projects). The gain follows stats.gains' rule: unknown (None) without a capture
    near 30 days ago, so stale data never reads as "+0" or as a difference over years.
    """
    today = today or timezone.now().date()
    samples = StatsSample.objects.filter(project=OuterRef(project_ref)).order_by("-captured_on")
    created = "repo_created_at" if project_ref == "pk" else f"{project_ref.removesuffix('_id')}__repo_created_at"
    return queryset.annotate(
        latest_stars=Subquery(samples.values("stars")[:1]),
        latest_on=Subquery(samples.values("captured_on")[:1]),
        **gain_annotations(project_ref, as_of=today, days=GAIN_DAYS, name="gained_30d", created=created),
    )


def sparkline_samples(project_ids: list[int]) -> dict[int, list[tuple[dt.date, int]]]:
    """The newest samples of each project (oldest first), in one query."""
    rows = (
        StatsSample.objects.filter(project_id__in=project_ids)
        .annotate(nth=Window(RowNumber(), partition_by=[F("project_id")], order_by=F("captured_on").desc()))
        .filter(nth__lte=SPARKLINE_SAMPLES)
        # Not the model's default ordering (by project name): that joined every project in the catalogue.
        .order_by()
        .values_list("project_id", "captured_on", "stars")
    )
    series: dict[int, list[tuple[dt.date, int]]] = {pk: [] for pk in project_ids}
    for project_id, captured_on, stars in rows:
        series[project_id].append((captured_on, stars))
    for points in series.values():
        points.sort()
    return series


def project_current_rank(*, project_id: int) -> int | None:
    """The project's rank in the newest published snapshot, if it is in it: one query."""
    newest = RankingSnapshot.objects.published().board(RankingSnapshot.Board.OVERALL).newest_first().values("pk")[:1]
    return (
        RankingEntry.objects.filter(snapshot_id=Subquery(newest), project_id=project_id)
        .values_list("rank", flat=True)
        .first()
    )


def project_rank_history(*, project_id: int, newest: int | None = None) -> list[RankingEntry]:
    """The project's entries in published snapshots, oldest first, with their snapshot: one query.

    ``newest``: only that many of the latest (a page's weight must not grow with the archive).
    """
    entries = RankingEntry.objects.filter(
        project_id=project_id,
        snapshot__status=RankingSnapshot.Status.PUBLISHED,
        snapshot__board=RankingSnapshot.Board.OVERALL,
    ).select_related("snapshot")
    if newest is None:
        return list(entries.order_by("snapshot__taken_at", "snapshot_id"))
    return list(reversed(entries.order_by("-snapshot__taken_at", "-snapshot_id")[:newest]))


def project_star_history(*, project_id: int) -> list[tuple[dt.date, int]]:
    """Every star sample of a project, oldest first: one query."""
    return [(day, stars) for day, stars, _ in project_star_samples(project_id=project_id)]


def project_star_samples(*, project_id: int) -> list[tuple[dt.date, int, str]]:
    """Every star sample of a project with its source, oldest first: one query."""
    return list(
        StatsSample.objects.filter(project_id=project_id)
        .order_by("captured_on")
        .values_list("captured_on", "stars", "source")
    )


def backfilled_until(samples: list[tuple[dt.date, int, str]]) -> dt.date | None:
    """The last day of the leading run of backfilled samples (GitHub's star history), if any."""
    last = None
    for day, _, source in samples:
        if source != StatsSample.Source.BACKFILL:
            break
        last = day
    return last


def projects_removed():
    """Excluded projects with the editors' reasons, for the public archive (one query)."""
    return Project.objects.filter(status=Project.Status.EXCLUDED).order_by("name", "id")
