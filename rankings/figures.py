"""Every candidate project's figures as of a day, computed in the database.

One SQL statement with window functions turns the captures of the history window into
per-project figures (newest stars, forks, watchers, push date; raw and spike-capped gains
over the two momentum windows; the number of spikes), so Python receives one row per
project, never the samples. It computes exactly what ``scoring.figures_from_samples`` does
(integer arithmetic only; a test holds the two to the same result), and reads nothing
captured after the as-of date, nor (given ``recorded_before``) anything recorded after the
build started: a backfill written later cannot change what an earlier build read.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from projects.models import Project
from stats.models import StatsSample

from .scoring import SPIKE_MIN_HISTORY, Figures, Parameters


@dataclass(frozen=True)
class Candidate:
    project_id: int
    name: str
    figures: Figures
    spike_count: int


def _vendor_sql() -> dict[str, str]:
    if connection.vendor == "sqlite":
        return {
            "days": "CAST(julianday(captured_on) - julianday(prev_on) AS INTEGER)",
            "pushed_on": "date(COALESCE(n.pushed_at, CASE WHEN p.pushed_at <= %(as_of_end)s THEN p.pushed_at END))",
        }
    return {
        "days": "(captured_on - prev_on)",
        "pushed_on": (
            "CAST(COALESCE(n.pushed_at, CASE WHEN p.pushed_at <= %(as_of_end)s THEN p.pushed_at END) AS date)"
        ),
    }


def _windowed_sql(params: Parameters, *, project_filter: str = "", recorded_before=None) -> str:
    """The common table expressions: captures, their intervals, and each interval's cap."""
    # Window frame offsets must be constants in PostgreSQL: inlined as an integer.
    baseline = int(params.spike_baseline)
    samples, projects = StatsSample._meta.db_table, Project._meta.db_table
    vendor = _vendor_sql()
    return f"""
    WITH window_samples AS (
        SELECT s.project_id, s.captured_on, s.stars, s.forks, s.watchers, s.pushed_at,
               LAG(s.stars) OVER (PARTITION BY s.project_id ORDER BY s.captured_on) AS prev_stars,
               LAG(s.captured_on) OVER (PARTITION BY s.project_id ORDER BY s.captured_on) AS prev_on,
               -- LEAD over the same ordering as LAG (not ROW_NUMBER DESC): one sort, not two.
               CASE WHEN LEAD(s.captured_on) OVER (PARTITION BY s.project_id ORDER BY s.captured_on) IS NULL
                    THEN 1 ELSE 0 END AS newest
        FROM {samples} s
        JOIN {projects} p ON p.id = s.project_id
        WHERE s.captured_on > %(start)s AND s.captured_on <= %(as_of)s
          AND p.status = %(tracked)s
          AND (p.missing_since IS NULL OR p.missing_since > %(as_of_end)s)
          {"AND s.recorded_at <= %(recorded_before)s" if recorded_before is not None else ""}
          {project_filter}
    ),
    intervals AS (
        SELECT project_id, captured_on, stars - prev_stars AS gain, {vendor["days"]} AS days
        FROM window_samples
        WHERE prev_stars IS NOT NULL
    ),
    baselines AS (
        SELECT project_id, captured_on, gain, days,
               COUNT(*) OVER (PARTITION BY project_id ORDER BY captured_on
                              ROWS BETWEEN {baseline} PRECEDING AND 1 PRECEDING) AS base_n,
               SUM(gain) OVER (PARTITION BY project_id ORDER BY captured_on
                               ROWS BETWEEN {baseline} PRECEDING AND 1 PRECEDING) AS base_gain,
               SUM(days) OVER (PARTITION BY project_id ORDER BY captured_on
                               ROWS BETWEEN {baseline} PRECEDING AND 1 PRECEDING) AS base_days
        FROM intervals
    ),
    paced AS (
        SELECT project_id, captured_on, gain, days, base_n,
               %(factor)s * (CASE WHEN base_gain > 0 THEN base_gain ELSE 0 END) * days / base_days AS paced
        FROM baselines
    ),
    judged AS (
        SELECT project_id, captured_on, gain,
               CASE WHEN paced > %(floor)s * days THEN paced ELSE %(floor)s * days END AS allowed,
               base_n
        FROM paced
    ),
    capped AS (
        SELECT project_id, captured_on, gain,
               CASE WHEN base_n >= %(min_history)s AND gain > allowed THEN 1 ELSE 0 END AS spike,
               CASE WHEN base_n >= %(min_history)s AND gain > allowed THEN allowed ELSE gain END AS counted
        FROM judged
    )
    """


def _params(as_of: dt.date, params: Parameters, recorded_before: dt.datetime | None = None) -> dict:
    ops = connection.ops
    as_of_end = dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.UTC)
    return {
        "recorded_before": ops.adapt_datetimefield_value(recorded_before) if recorded_before else None,
        "start": ops.adapt_datefield_value(params.history_start(as_of)),
        "as_of": ops.adapt_datefield_value(as_of),
        "as_of_end": ops.adapt_datetimefield_value(as_of_end),
        "short_start": ops.adapt_datefield_value(as_of - dt.timedelta(days=params.short_days)),
        "long_start": ops.adapt_datefield_value(as_of - dt.timedelta(days=params.long_days)),
        "tracked": Project.Status.TRACKED,
        "factor": int(params.spike_factor),
        "floor": int(params.spike_floor),
        "min_history": SPIKE_MIN_HISTORY,
    }


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def candidates_as_of(
    *, as_of: dt.date, params: Parameters, recorded_before: dt.datetime | None = None, batch_size: int = 2000
) -> Iterator[Candidate]:
    """Tracked, present projects with a capture in the history window, and their figures (one query)."""
    vendor = _vendor_sql()
    sql = (
        _windowed_sql(params, recorded_before=recorded_before)
        + f""",
    gains AS (
        SELECT project_id,
               SUM(CASE WHEN captured_on > %(short_start)s THEN gain ELSE 0 END) AS gained_short,
               SUM(CASE WHEN captured_on > %(long_start)s THEN gain ELSE 0 END) AS gained_long,
               SUM(CASE WHEN captured_on > %(short_start)s THEN counted ELSE 0 END) AS counted_short,
               SUM(CASE WHEN captured_on > %(long_start)s THEN counted ELSE 0 END) AS counted_long,
               SUM(CASE WHEN captured_on > %(long_start)s THEN spike ELSE 0 END) AS spikes
        FROM capped
        GROUP BY project_id
    )
    SELECT n.project_id, p.name, p.archived, p.ranking_keep, n.stars, n.forks, n.watchers,
           {vendor["pushed_on"]} AS pushed_on,
           COALESCE(g.gained_short, 0), COALESCE(g.gained_long, 0),
           COALESCE(g.counted_short, 0), COALESCE(g.counted_long, 0), COALESCE(g.spikes, 0)
    FROM window_samples n
    JOIN {Project._meta.db_table} p ON p.id = n.project_id
    LEFT JOIN gains g ON g.project_id = n.project_id
    WHERE n.newest = 1
    ORDER BY n.project_id
    """
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(as_of, params, recorded_before))
        while rows := cursor.fetchmany(batch_size):
            for row in rows:
                (pid, name, archived, keep, stars, forks, watchers, pushed_on, gs, gl, cs, cl, spikes) = row
                yield Candidate(
                    project_id=pid,
                    name=name,
                    figures=Figures(
                        stars=stars,
                        forks=forks,
                        watchers=watchers,
                        pushed_on=_as_date(pushed_on),
                        gained_short=int(gs),
                        gained_long=int(gl),
                        counted_short=int(cs),
                        counted_long=int(cl),
                        archived=bool(archived),
                        keep=bool(keep),
                    ),
                    spike_count=int(spikes),
                )


def spike_days_as_of(
    *, project_ids: list[int], as_of: dt.date, params: Parameters, recorded_before: dt.datetime | None = None
) -> dict[int, tuple[dt.date, ...]]:
    """The capped days inside the long window of a few projects (one query)."""
    if not project_ids:
        return {}
    # Named and positional parameters cannot mix: the id list is inlined as integers.
    ids = ", ".join(str(int(pid)) for pid in project_ids)
    sql = (
        _windowed_sql(params, project_filter=f"AND s.project_id IN ({ids})", recorded_before=recorded_before)
        + """
    SELECT project_id, captured_on FROM capped
    WHERE spike = 1 AND captured_on > %(long_start)s
    ORDER BY project_id, captured_on
    """
    )
    days: dict[int, list[dt.date]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(as_of, params, recorded_before))
        for pid, day in cursor.fetchall():
            days.setdefault(pid, []).append(_as_date(day))
    return {pid: tuple(values) for pid, values in days.items()}
