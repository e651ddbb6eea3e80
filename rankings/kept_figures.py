"""Figures kept up to date as samples are written, so a build of today need not re-read a year per project.

Each project's row (``models.ProjectFigures``) holds what the figures pass
(``figures.computed_sql``) derives from its samples as of a day, under a key of the
parameters it depends on. Rows are written by the same SQL as the full pass, restricted to
some projects and without the choice of projects (status, missing) that a build makes from
the project table at read time.

- ``figures_update``: recompute some projects' rows as of today (UTC), whatever their
  status. The receiver of ``stats.signals.samples_written`` calls it inside the writing
  transaction after every batch of samples (refresh, import, backfill, first samples, seed);
  ``manage.py kept_figures`` calls it for the whole catalogue.
- ``candidates_for_build``: a build as of today under the parameters in settings finds (one
  query over projects and rows) and fills (one statement) the rows that are stale (another
  day, other parameters, or none: a project not refreshed today), then reads in one more
  every candidate: from its row when the row is valid for this build, computed by the full
  pass's SQL otherwise (rows holding a sample recorded after the build started). Any other
  build (a past day, other parameters, a month other than the as-of day's) runs the full pass.

Why it is exact: a row is the full pass's output for its project over the samples present
when it was computed (same SQL). It is recomputed whenever that project's samples change,
so when it was computed as of the build's day, under the same key, and all it read was
recorded up to ``recorded_before`` (``recorded_through``), it holds exactly what the full
pass reads for that build. Status, archived, keep, missing, the project's own push date,
name, creation and fork are joined from the project table, as the full pass does.
"""

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from projects.models import Project

from .figures import (
    Candidate,
    NewcomerWindow,
    _params,
    candidate_columns,
    candidates_as_of,
    candidates_from,
    computed_sql,
    scope_sql,
)
from .models import ProjectFigures
from .scoring import Parameters

# The figures' columns a row stores, as ``computed_sql`` names them.
FIGURE_COLUMNS = (
    "stars",
    "forks",
    "watchers",
    "pushed_at",
    "gained_short",
    "gained_long",
    "counted_short",
    "counted_long",
    "spikes",
    "month_gained",
    "month_counted",
)
ROW_COLUMNS = ("project_id", "as_of", "params_key", "recorded_through", *FIGURE_COLUMNS)


def params_key(params: Parameters) -> str:
    """The parameters a row depends on (weights and scoring thresholds are applied at build time)."""
    return (
        f"short={params.short_days};long={params.long_days};baseline={params.spike_baseline};"
        f"factor={params.spike_factor};floor={params.spike_floor}"
    )


def kept_params() -> Parameters:
    """The parameters rows are kept under: the settings'."""
    return Parameters.from_settings(settings)


def _sql_params(*, as_of: dt.date, params: Parameters, recorded_before=None, newcomers=None) -> dict:
    ops = connection.ops
    return {
        **_params(as_of, params, recorded_before, newcomers),
        # Rows carry the gains of the as-of day's month, so they serve the month's newcomers.
        "month_start": ops.adapt_datefield_value(as_of.replace(day=1)),
        "month_end": ops.adapt_datefield_value(as_of),
        "params_key": params_key(params),
    }


def _fresh_sql(*, recorded: bool) -> str:
    """A row of project ``p`` valid as of the day under the key (and, with ``recorded``, for the build)."""
    clause = " AND (k.recorded_through IS NULL OR k.recorded_through <= %(recorded_before)s)" if recorded else ""
    return f"""EXISTS (SELECT 1 FROM {ProjectFigures._meta.db_table} k
        WHERE k.project_id = p.id AND k.as_of = %(as_of)s AND k.params_key = %(params_key)s{clause})"""


def _upsert_sql(params: Parameters, *, where: str, scope: str, only_stale: bool) -> str:
    """Compute and store the rows of the projects ``where`` selects (on ``p``); ``scope`` limits the samples read.

    Projects with no capture in the window get a row too (``stars`` null): known to have none.
    ``only_stale``: never overwrite a row that is already as of the day under the key (a
    refresh that committed meanwhile wrote it from samples this statement may not see).
    """
    table = ProjectFigures._meta.db_table
    updates = ", ".join(f"{name} = excluded.{name}" for name in ROW_COLUMNS[1:])
    guard = f" WHERE {table}.as_of <> excluded.as_of OR {table}.params_key <> excluded.params_key" if only_stale else ""
    # The zero-sum defaults of a project without captures are the columns' own.
    zeros = ", ".join(f"COALESCE(c.{name}, 0)" for name in FIGURE_COLUMNS[4:])
    figures = ", ".join(f"c.{name}" for name in FIGURE_COLUMNS[:4]) + ", " + zeros
    # INSERT first, its SELECT carrying the WITH: drivers (Python's sqlite3) count the rows written.
    return (
        f"INSERT INTO {table} ({', '.join(ROW_COLUMNS)})"
        + computed_sql(params, scope=scope, month=True, with_recorded=True)
        + f"""
    SELECT p.id, %(as_of)s, %(params_key)s, c.recorded_through, {figures}
    FROM {Project._meta.db_table} p
    LEFT JOIN computed c ON c.project_id = p.id
    WHERE {where}
    ON CONFLICT (project_id) DO UPDATE SET {updates}{guard}
    """
    )


def _ids_sql(project_ids) -> str:
    # Named and positional parameters cannot mix: the id list is inlined as integers.
    return ", ".join(str(int(pid)) for pid in project_ids)


def figures_update(*, project_ids, as_of: dt.date | None = None, params: Parameters | None = None) -> int:
    """Recompute and store those projects' rows as of ``as_of`` (today), whatever their status (two queries).

    Returns how many rows were written. Projects that do not exist are skipped.
    """
    project_ids = sorted(set(project_ids))
    if not project_ids:
        return 0
    as_of = as_of or timezone.now().date()
    params = params or kept_params()
    ids = _ids_sql(project_ids)
    sql = _upsert_sql(params, where=f"p.id IN ({ids})", scope=f"s.project_id IN ({ids})", only_stale=False)
    with transaction.atomic(savepoint=False):
        # Two transactions writing one project's samples (a refresh and a backfill of a new
        # project) must not each store a row missing the other's: the second waits here for
        # the first to commit, and its next statement then sees both. NO KEY UPDATE: inserting
        # samples takes KEY SHARE on the project, which this must not wait for (nor deadlock).
        list(Project.objects.filter(pk__in=project_ids).order_by("pk").select_for_update(no_key=True).values("pk"))
        with connection.cursor() as cursor:
            cursor.execute(sql, _sql_params(as_of=as_of, params=params))
            return cursor.rowcount


def rows_not_ready(
    *, as_of: dt.date, params: Parameters, recorded_before: dt.datetime, newcomers: NewcomerWindow | None = None
) -> tuple[list[int], list[int]]:
    """Of the projects a build ranks, (stale, late): rows of another day or key, or none; rows that read a
    sample recorded after ``recorded_before``. One query over projects and rows, none over samples."""
    table = ProjectFigures._meta.db_table
    other = "k.project_id IS NULL OR k.as_of <> %(as_of)s OR k.params_key <> %(params_key)s"
    sql = f"""
    SELECT p.id, CASE WHEN {other} THEN 1 ELSE 0 END
    FROM {Project._meta.db_table} p
    LEFT JOIN {table} k ON k.project_id = p.id
    WHERE {scope_sql(newcomers)} AND ({other} OR k.recorded_through > %(recorded_before)s)
    ORDER BY p.id
    """
    stale, late = [], []
    with connection.cursor() as cursor:
        cursor.execute(
            sql, _sql_params(as_of=as_of, params=params, recorded_before=recorded_before, newcomers=newcomers)
        )
        for pid, is_stale in cursor.fetchall():
            (stale if is_stale else late).append(pid)
    return stale, late


def figures_fill(*, project_ids: list[int], as_of: dt.date, params: Parameters) -> int:
    """Compute and store the rows of projects a build found stale (one statement).

    Unlike ``figures_update`` it never overwrites a row already of ``as_of`` under the key: a
    refresh that committed meanwhile wrote it from samples this statement may not see.
    """
    ids = _ids_sql(project_ids)
    sql = _upsert_sql(params, where=f"p.id IN ({ids})", scope=f"s.project_id IN ({ids})", only_stale=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, _sql_params(as_of=as_of, params=params))
        return cursor.rowcount


def candidates_kept(
    *,
    as_of: dt.date,
    params: Parameters,
    recorded_before: dt.datetime,
    newcomers: NewcomerWindow | None = None,
    compute_ids: list[int] = (),
    batch_size: int = 2000,
) -> Iterator[Candidate]:
    """What ``figures.candidates_as_of`` returns, read from the rows valid for this build (one statement).

    Of ``compute_ids`` (``rows_not_ready``), those without such a row (one holding a sample
    recorded after ``recorded_before``) are computed by the full pass's SQL, and not stored.
    """
    projects = Project._meta.db_table
    computed = ""
    if compute_ids:
        rest = (
            f"s.project_id IN ({_ids_sql(compute_ids)}) AND {scope_sql(newcomers)} AND NOT {_fresh_sql(recorded=True)}"
        )
        computed = computed_sql(params, recorded_before=recorded_before, month=newcomers is not None, scope=rest) + (
            f"""
    SELECT {candidate_columns("c", newcomers)}
    FROM computed c
    JOIN {projects} p ON p.id = c.project_id
    UNION ALL"""
        )
    sql = computed + (
        f"""
    SELECT {candidate_columns("k", newcomers)}
    FROM {ProjectFigures._meta.db_table} k
    JOIN {projects} p ON p.id = k.project_id
    WHERE k.as_of = %(as_of)s AND k.params_key = %(params_key)s AND k.stars IS NOT NULL
      AND (k.recorded_through IS NULL OR k.recorded_through <= %(recorded_before)s)
      AND {scope_sql(newcomers)}
    ORDER BY 1
    """
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, _sql_params(as_of=as_of, params=params, recorded_before=recorded_before, newcomers=newcomers)
        )
        yield from candidates_from(cursor, batch_size=batch_size)


def serves(*, as_of: dt.date, params: Parameters, newcomers: NewcomerWindow | None = None) -> bool:
    """Whether kept rows can serve this pass: today, the kept parameters, and (for newcomers) the as-of day's month.

    Never when settings.RANKING_KEEP_FIGURES is false (rows are still kept: turning it back on
    must not find rows that missed a write).
    """
    if not settings.RANKING_KEEP_FIGURES:
        return False
    if as_of != timezone.now().date() or params_key(params) != params_key(kept_params()):
        return False
    if newcomers is None:
        return True
    return newcomers.month_start == as_of.replace(day=1) and newcomers.month_end >= as_of


def candidates_for_build(
    *,
    as_of: dt.date,
    params: Parameters,
    recorded_before: dt.datetime,
    newcomers: NewcomerWindow | None = None,
) -> Iterator[Candidate]:
    """A build's candidates: from kept rows (filling the stale ones first) when they serve, else the full pass."""
    if not serves(as_of=as_of, params=params, newcomers=newcomers):
        yield from candidates_as_of(as_of=as_of, params=params, recorded_before=recorded_before, newcomers=newcomers)
        return
    # Projects first, samples only for those that need them: a statement choosing them inside
    # the samples' scan would read every sample of the window.
    stale, late = rows_not_ready(as_of=as_of, params=params, recorded_before=recorded_before, newcomers=newcomers)
    if stale:
        figures_fill(project_ids=stale, as_of=as_of, params=params)
    yield from candidates_kept(
        as_of=as_of,
        params=params,
        recorded_before=recorded_before,
        newcomers=newcomers,
        compute_ids=sorted(stale + late),
    )
