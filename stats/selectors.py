"""Reads of the figures over time, shared by pages and the API."""

from django.db.models import Case, Count, DateField, IntegerField, Max, Value, When
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek

from projects.models import Project

from .models import StatsSample

SOURCE_ORDER = (StatsSample.Source.BACKFILL, StatsSample.Source.IMPORT, StatsSample.Source.OBSERVED)
SOURCES_BY_RANK = {rank: str(source) for rank, source in enumerate(SOURCE_ORDER)}
SOURCE_RANK = Case(
    *(When(source=source, then=Value(rank)) for rank, source in enumerate(SOURCE_ORDER)),
    default=Value(0),
    output_field=IntegerField(),
)


def project_stats_series(*, project: Project, interval: str, since=None, until=None) -> list[dict]:
    """A project's samples downsampled to one point per day, week or month, in one query.

    The database groups the samples (Trunc* on the capture date) and keeps each period's
    highest figures and the number of samples behind them, so the response stays small
    whatever the history's length. Weeks start on Monday. A point's ``source`` is the best
    of its samples' (observed, then import, then backfill): "backfill" only when GitHub's
    star history is all there is for the period.
    """
    trunc = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}[interval]
    samples = StatsSample.objects.filter(project=project)
    if since is not None:
        samples = samples.filter(captured_on__gte=since)
    if until is not None:
        samples = samples.filter(captured_on__lte=until)
    points = list(
        samples.annotate(period=trunc("captured_on", output_field=DateField()))
        .values("period")
        .annotate(
            stars=Max("stars"),
            forks=Max("forks"),
            watchers=Max("watchers"),
            open_issues=Max("open_issues"),
            samples=Count("id"),
            best_source=Max(SOURCE_RANK),
        )
        .order_by("period")
    )
    for point in points:
        point["source"] = SOURCES_BY_RANK[point.pop("best_source")]
    return points
