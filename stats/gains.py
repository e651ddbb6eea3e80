"""Stars gained over N days: one rule for pages, the API, its ordering and ranking entries.

A gain over N days exists only when there is a capture within ``GAIN_TOLERANCE_DAYS`` of
N days ago (the base) and one within as many days of the as-of day (the end). Otherwise it
is unknown (None): never "+0" for want of a base, never a difference across years. The base
is the capture nearest N days ago: the newest on or before that day, else the oldest after it;
the end is the newest capture. A repository created after N days ago had no stars then: its
base is 0, so a week-old breakout shows everything it gained.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Case, ExpressionWrapper, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from .models import StatsSample

# The refresh runs every six hours, and an outage of a day or two should not blank every
# gain; a week would start to blur what "30 days" means. /methodology/ states this figure.
GAIN_TOLERANCE_DAYS = 3


def base_window(as_of: dt.date, days: int) -> tuple[dt.date, dt.date, dt.date]:
    """The capture days that can stand for "N days ago": (earliest, the day itself, latest)."""
    anchor = as_of - dt.timedelta(days=days)
    tolerance = dt.timedelta(days=GAIN_TOLERANCE_DAYS)
    return anchor - tolerance, anchor, anchor + tolerance


def end_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The capture days that can stand for the as-of day."""
    return as_of - dt.timedelta(days=GAIN_TOLERANCE_DAYS), as_of


def stars_gained(
    captures: Iterable[tuple[dt.date, int]], *, as_of: dt.date, days: int, created_on: dt.date | None = None
) -> int | None:
    """The rule on plain (day, stars) pairs, for code that already holds a project's captures."""
    low, anchor, high = base_window(as_of, days)
    end_lo, end_hi = end_window(as_of)
    before = after = end = None
    for day, stars in sorted(captures):
        if low <= day <= anchor:
            before = stars
        if after is None and anchor < day <= high:
            after = stars
        if end_lo <= day <= end_hi:
            end = stars
    base = before if before is not None else after
    if created_on is not None and created_on > anchor:
        base = 0
    return None if base is None or end is None else end - base


def _newest_stars_between(project_ref: str, low: dt.date, high: dt.date) -> Subquery:
    samples = StatsSample.objects.filter(project=OuterRef(project_ref), captured_on__gte=low, captured_on__lte=high)
    return Subquery(samples.order_by("-captured_on").values("stars")[:1])


def base_stars(project_ref: str, *, as_of: dt.date, days: int, created: str = "repo_created_at") -> Coalesce:
    """The stars of the base capture, on ``project_ref`` (the project id in the outer query);
    ``created`` names the repository's creation time in the outer query."""
    low, anchor, high = base_window(as_of, days)
    after = StatsSample.objects.filter(project=OuterRef(project_ref), captured_on__gt=anchor, captured_on__lte=high)
    # The end of the anchor day: a repository created later than that had no stars then.
    anchor_end = dt.datetime.combine(anchor, dt.time.max, tzinfo=dt.UTC)
    return Coalesce(
        Case(When(**{f"{created}__gt": anchor_end}, then=Value(0)), default=None, output_field=IntegerField()),
        _newest_stars_between(project_ref, low, anchor),
        Subquery(after.order_by("captured_on").values("stars")[:1]),
        output_field=IntegerField(),
    )


def gain_annotations(
    project_ref: str, *, as_of: dt.date, days: int, name: str, created: str = "repo_created_at"
) -> dict:
    """Annotations giving ``name``: the rule's gain (NULL when unknown), computed in the database."""
    return {
        f"{name}_end": _newest_stars_between(project_ref, *end_window(as_of)),
        f"{name}_base": base_stars(project_ref, as_of=as_of, days=days, created=created),
        name: ExpressionWrapper(F(f"{name}_end") - F(f"{name}_base"), output_field=IntegerField()),
    }
