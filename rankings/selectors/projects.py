"""Reads about projects as the rankings see them: live star figures, ranks, history."""

import datetime as dt

from django.db.models import ExpressionWrapper, F, IntegerField, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from projects.models import Project
from stats.models import StatsSample

from ..models import RankingEntry, RankingSnapshot

SPARKLINE_SAMPLES = 60
GAIN_DAYS = 30


def with_star_figures(queryset, project_ref: str, *, today: dt.date | None = None):
    """``queryset`` annotated with ``latest_stars`` and ``gained_30d`` (stars gained in the last 30 days).

    ``project_ref`` names the project id in the outer query (``"project_id"`` on entries,
    ``"pk"`` on projects). The gain is the newest sample inside the window minus the newest
    sample on or before its start; it is None when either is missing, so stale data never
    reads as "+0".
    """
    today = today or timezone.now().date()
    cutoff = today - dt.timedelta(days=GAIN_DAYS)
    samples = StatsSample.objects.filter(project=OuterRef(project_ref)).order_by("-captured_on")
    return queryset.annotate(
        latest_stars=Subquery(samples.values("stars")[:1]),
        window_stars=Subquery(samples.filter(captured_on__gt=cutoff).values("stars")[:1]),
        baseline_stars=Subquery(samples.filter(captured_on__lte=cutoff).values("stars")[:1]),
    ).annotate(gained_30d=ExpressionWrapper(F("window_stars") - F("baseline_stars"), output_field=IntegerField()))


def sparkline_samples(project_ids: list[int]) -> dict[int, list[tuple[dt.date, int]]]:
    """The newest samples of each project (oldest first), in one query."""
    rows = (
        StatsSample.objects.filter(project_id__in=project_ids)
        .annotate(nth=Window(RowNumber(), partition_by=[F("project_id")], order_by=F("captured_on").desc()))
        .filter(nth__lte=SPARKLINE_SAMPLES)
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
    newest = RankingSnapshot.objects.published().newest_first().values("pk")[:1]
    return (
        RankingEntry.objects.filter(snapshot_id=Subquery(newest), project_id=project_id)
        .values_list("rank", flat=True)
        .first()
    )


def project_rank_history(*, project_id: int) -> list[RankingEntry]:
    """The project's entries in published snapshots, oldest first, with their snapshot: one query."""
    return list(
        RankingEntry.objects.filter(project_id=project_id, snapshot__status=RankingSnapshot.Status.PUBLISHED)
        .select_related("snapshot")
        .order_by("snapshot__taken_at", "snapshot_id")
    )


def project_star_history(*, project_id: int) -> list[tuple[dt.date, int]]:
    """Every star sample of a project, oldest first: one query."""
    return list(
        StatsSample.objects.filter(project_id=project_id).order_by("captured_on").values_list("captured_on", "stars")
    )


def projects_removed():
    """Excluded projects with the editors' reasons, for the public archive (one query)."""
    return Project.objects.filter(status=Project.Status.EXCLUDED).order_by("name", "id")
