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
    # Read only when the pass includes a month's newcomers (``NewcomerWindow``); see below.
    status: str = "tracked"
    created_at: dt.datetime | None = None
    fork: bool = False
    month_counted: int = 0  # spike-capped stars gained in the month, first capture included
    month_gained: int = 0  # the same, uncapped


@dataclass(frozen=True)
class NewcomerWindow:
    """What a pass needs to serve a month's newcomers board besides the daily boards.

    Candidates (not excluded, not yet tracked) created from ``created_since`` to before
    ``created_until`` join the tracked projects, and each row carries the stars gained in
    ``month_start``..``month_end`` (captures on those days; the stars of a project's first
    capture count when that capture is in the month: it had none before it was created).
    """

    month_start: dt.date
    month_end: dt.date
    created_since: dt.datetime
    created_until: dt.datetime


def _vendor_sql(alias: str = "n") -> dict[str, str]:
    """Day arithmetic, and the push date of row ``alias`` (the project's own when no sample has one)."""
    pushed = f"COALESCE({alias}.pushed_at, CASE WHEN p.pushed_at <= %(as_of_end)s THEN p.pushed_at END)"
    if connection.vendor == "sqlite":
        return {"days": "CAST(julianday(captured_on) - julianday(prev_on) AS INTEGER)", "pushed_on": f"date({pushed})"}
    return {"days": "(captured_on - prev_on)", "pushed_on": f"CAST({pushed} AS date)"}


def _status_sql(newcomers: NewcomerWindow | None) -> str:
    if newcomers is None:
        return "p.status = %(tracked)s"
    return (
        "(p.status = %(tracked)s OR (p.status = %(candidate)s"
        " AND p.repo_created_at >= %(created_since)s AND p.repo_created_at < %(created_until)s))"
    )


def scope_sql(newcomers: NewcomerWindow | None) -> str:
    """The projects a pass ranks (on ``p``): tracked (and the month's new candidates), not missing by the as-of day."""
    return f"{_status_sql(newcomers)} AND (p.missing_since IS NULL OR p.missing_since > %(as_of_end)s)"


def _windowed_sql(
    params: Parameters,
    *,
    project_filter: str = "",
    recorded_before=None,
    newcomers: NewcomerWindow | None = None,
    scope: str | None = None,
    with_recorded: bool = False,
    with_first: bool = False,
) -> str:
    """The common table expressions: captures, their intervals, and each interval's cap.

    ``scope`` (SQL on ``s`` and ``p``) replaces the default choice of projects (``scope_sql``);
    ``with_recorded`` adds each capture's project's newest ``recorded_at`` in the window;
    ``with_first`` the day and stars of its first capture in the window.
    """
    # Window frame offsets must be constants in PostgreSQL: inlined as an integer.
    baseline = int(params.spike_baseline)
    samples, projects = StatsSample._meta.db_table, Project._meta.db_table
    vendor = _vendor_sql()
    recorded = ",\n               MAX(s.recorded_at) OVER (PARTITION BY s.project_id) AS recorded_through"
    recorded = recorded if with_recorded else ""
    if with_first:
        # Same ordering as LAG: no second sort; the default frame starts at the partition's first row.
        order = "OVER (PARTITION BY s.project_id ORDER BY s.captured_on)"
        recorded += f",\n               FIRST_VALUE(s.captured_on) {order} AS first_on"
        recorded += f",\n               FIRST_VALUE(s.stars) {order} AS first_stars"
    return f"""
    WITH window_samples AS (
        SELECT s.project_id, s.captured_on, s.stars, s.forks, s.watchers, s.pushed_at,
               LAG(s.stars) OVER (PARTITION BY s.project_id ORDER BY s.captured_on) AS prev_stars,
               LAG(s.captured_on) OVER (PARTITION BY s.project_id ORDER BY s.captured_on) AS prev_on,
               -- LEAD over the same ordering as LAG (not ROW_NUMBER DESC): one sort, not two.
               CASE WHEN LEAD(s.captured_on) OVER (PARTITION BY s.project_id ORDER BY s.captured_on) IS NULL
                    THEN 1 ELSE 0 END AS newest{recorded}
        FROM {samples} s
        JOIN {projects} p ON p.id = s.project_id
        WHERE s.captured_on > %(start)s AND s.captured_on <= %(as_of)s
          AND {scope_sql(newcomers) if scope is None else scope}
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


def _params(
    as_of: dt.date,
    params: Parameters,
    recorded_before: dt.datetime | None = None,
    newcomers: NewcomerWindow | None = None,
) -> dict:
    ops = connection.ops
    as_of_end = dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.UTC)
    extra = {}
    if newcomers is not None:
        extra = {
            "candidate": Project.Status.CANDIDATE,
            "created_since": ops.adapt_datetimefield_value(newcomers.created_since),
            "created_until": ops.adapt_datetimefield_value(newcomers.created_until),
            "month_start": ops.adapt_datefield_value(newcomers.month_start),
            "month_end": ops.adapt_datefield_value(min(newcomers.month_end, as_of)),
        }
    return {
        **extra,
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


def computed_sql(
    params: Parameters,
    *,
    recorded_before=None,
    newcomers: NewcomerWindow | None = None,
    month: bool = False,
    scope: str | None = None,
    project_filter: str = "",
    with_recorded: bool = False,
) -> str:
    """The windowed expressions up to ``computed``: one row of sample-derived figures per project.

    Columns: project_id, stars, forks, watchers, pushed_at (the newest capture's), gained_short,
    gained_long, counted_short, counted_long, spikes, month_gained, month_counted (0 unless
    ``month``: captures from %(month_start)s to %(month_end)s, a first capture's stars included),
    and recorded_through when ``with_recorded``.
    """
    month_sums = ""
    month_gained = month_counted = "0"
    if month:
        in_month = "captured_on >= %(month_start)s AND captured_on <= %(month_end)s"
        month_sums = f""",
               SUM(CASE WHEN {in_month} THEN gain ELSE 0 END) AS gained_month,
               SUM(CASE WHEN {in_month} THEN counted ELSE 0 END) AS counted_month"""
        # The window's first capture rides on the newest row (a self-join on the CTE became a
        # nested loop over it on PostgreSQL when few projects were asked for).
        first = "CASE WHEN n.first_on >= %(month_start)s AND n.first_on <= %(month_end)s THEN n.first_stars ELSE 0 END"
        month_gained = f"COALESCE(g.gained_month, 0) + {first}"
        month_counted = f"COALESCE(g.counted_month, 0) + {first}"
    windowed = _windowed_sql(
        params,
        project_filter=project_filter,
        recorded_before=recorded_before,
        newcomers=newcomers,
        scope=scope,
        with_recorded=with_recorded,
        with_first=month,
    )
    return (
        windowed
        + f""",
    gains AS (
        SELECT project_id,
               SUM(CASE WHEN captured_on > %(short_start)s THEN gain ELSE 0 END) AS gained_short,
               SUM(CASE WHEN captured_on > %(long_start)s THEN gain ELSE 0 END) AS gained_long,
               SUM(CASE WHEN captured_on > %(short_start)s THEN counted ELSE 0 END) AS counted_short,
               SUM(CASE WHEN captured_on > %(long_start)s THEN counted ELSE 0 END) AS counted_long,
               SUM(CASE WHEN captured_on > %(long_start)s THEN spike ELSE 0 END) AS spikes{month_sums}
        FROM capped
        GROUP BY project_id
    ),
    computed AS (
        SELECT n.project_id, n.stars, n.forks, n.watchers, n.pushed_at,
               COALESCE(g.gained_short, 0) AS gained_short, COALESCE(g.gained_long, 0) AS gained_long,
               COALESCE(g.counted_short, 0) AS counted_short, COALESCE(g.counted_long, 0) AS counted_long,
               COALESCE(g.spikes, 0) AS spikes, {month_gained} AS month_gained, {month_counted} AS month_counted
               {", n.recorded_through" if with_recorded else ""}
        FROM window_samples n
        LEFT JOIN gains g ON g.project_id = n.project_id
        WHERE n.newest = 1
    )
    """
    )


def candidate_columns(alias: str, newcomers: NewcomerWindow | None) -> str:
    """What ``candidates_from`` reads, from row ``alias`` (``computed`` or a kept row) joined with project ``p``."""
    month = (
        f"p.status, p.repo_created_at, p.fork, {alias}.month_gained, {alias}.month_counted"
        if newcomers is not None
        else "NULL, NULL, 0, 0, 0"
    )
    return f"""{alias}.project_id, p.name, p.archived, p.ranking_keep, {alias}.stars, {alias}.forks, {alias}.watchers,
           {_vendor_sql(alias)["pushed_on"]}, {alias}.gained_short, {alias}.gained_long,
           {alias}.counted_short, {alias}.counted_long, {alias}.spikes, {month}"""


def candidates_as_of(
    *,
    as_of: dt.date,
    params: Parameters,
    recorded_before: dt.datetime | None = None,
    batch_size: int = 2000,
    newcomers: NewcomerWindow | None = None,
) -> Iterator[Candidate]:
    """Tracked, present projects with a capture in the history window, and their figures (one query).

    With ``newcomers``, the same statement also returns the month's new candidates and every
    row's gains in the month, so one pass serves the daily boards and the newcomers' board.
    """
    sql = computed_sql(params, recorded_before=recorded_before, newcomers=newcomers, month=newcomers is not None) + (
        f"""
    SELECT {candidate_columns("c", newcomers)}
    FROM computed c
    JOIN {Project._meta.db_table} p ON p.id = c.project_id
    ORDER BY c.project_id
    """
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(as_of, params, recorded_before, newcomers))
        yield from candidates_from(cursor, batch_size=batch_size)


def candidates_from(cursor, *, batch_size: int = 2000) -> Iterator[Candidate]:
    """Candidates from the rows of an executed statement that selected ``candidate_columns``."""
    while rows := cursor.fetchmany(batch_size):
        for row in rows:
            (pid, name, archived, keep, stars, forks, watchers, pushed_on, gs, gl, cs, cl, spikes) = row[:13]
            status, created_at, fork, month_gained, month_counted = row[13:]
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
                status=status or Project.Status.TRACKED,
                created_at=_as_datetime(created_at),
                fork=bool(fork),
                month_gained=int(month_gained),
                month_counted=int(month_counted),
            )


def _as_datetime(value) -> dt.datetime | None:
    """A timestamp as the database returns it (SQLite: text), in UTC."""
    if value is None or isinstance(value, dt.datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def spike_days_as_of(
    *,
    project_ids: list[int],
    as_of: dt.date,
    params: Parameters,
    recorded_before: dt.datetime | None = None,
    newcomers: NewcomerWindow | None = None,
) -> dict[int, tuple[dt.date, ...]]:
    """The capped days inside the long window of a few projects (one query)."""
    if not project_ids:
        return {}
    # Named and positional parameters cannot mix: the id list is inlined as integers.
    ids = ", ".join(str(int(pid)) for pid in project_ids)
    sql = (
        _windowed_sql(
            params, project_filter=f"AND s.project_id IN ({ids})", recorded_before=recorded_before, newcomers=newcomers
        )
        + """
    SELECT project_id, captured_on FROM capped
    WHERE spike = 1 AND captured_on > %(long_start)s
    ORDER BY project_id, captured_on
    """
    )
    days: dict[int, list[dt.date]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(as_of, params, recorded_before, newcomers))
        for pid, day in cursor.fetchall():
            days.setdefault(pid, []).append(_as_date(day))
    return {pid: tuple(values) for pid, values in days.items()}
