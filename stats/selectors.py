"""Reads of the figures over time, shared by pages and the API."""

from django.db.models import Count, DateField, Max
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek

from projects.models import Project

from .models import StatsSample


def project_stats_series(*, project: Project, interval: str, since=None, until=None) -> list[dict]:
    """A project's samples downsampled to one point per day, week or month, in one query.

    The database groups the samples (Trunc* on the capture date) and keeps each period's
    highest figures and the number of samples behind them, so the response stays small
    whatever the history's length. Weeks start on Monday.
    """
    trunc = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}[interval]
    samples = StatsSample.objects.filter(project=project)
    if since is not None:
        samples = samples.filter(captured_on__gte=since)
    if until is not None:
        samples = samples.filter(captured_on__lte=until)
    return list(
        samples.annotate(period=trunc("captured_on", output_field=DateField()))
        .values("period")
        .annotate(
            stars=Max("stars"),
            forks=Max("forks"),
            watchers=Max("watchers"),
            open_issues=Max("open_issues"),
            samples=Count("id"),
        )
        .order_by("period")
    )
