"""Every board from one figures pass: the overall top K, each field's top 10, the month's newcomers.

Reads only. ``figures.candidates_as_of`` is called once; each candidate row is scored for
the overall board, filed under the categories it belongs to (topics and editors' overrides,
one query), and, when a month is asked for, scored as a newcomer. Spike days are then read
once for the projects that made any board. The overall board is the same as
``building.compute_ranking`` gives (a test holds them equal).
"""

import datetime as dt
import heapq
from dataclasses import dataclass, field, replace

from projects.categories import category_memberships
from projects.models import Project

from . import newcomers as nc
from .building import Ranked
from .figures import Candidate, NewcomerWindow, candidates_as_of, spike_days_as_of
from .kept_figures import candidates_for_build
from .scoring import Parameters, ineligibility_codes, ranking_key, score_project


@dataclass(frozen=True)
class NewcomersRequest:
    month: nc.Month
    params: nc.NewcomerParameters
    top_k: int = 10

    def window(self) -> NewcomerWindow:
        since, until = self.month.created_window(self.params.created_days_before)
        return NewcomerWindow(
            month_start=self.month.first_day, month_end=self.month.last_day, created_since=since, created_until=until
        )


@dataclass
class Boards:
    overall: list[Ranked]
    left_out: dict[str, list[int]]
    categories: dict[int, list[Ranked]] = field(default_factory=dict)
    category_members: dict[int, int] = field(default_factory=dict)  # category id -> eligible members
    newcomers: list[Ranked] = field(default_factory=list)
    newcomers_left_out: dict[str, list[int]] = field(default_factory=dict)
    newcomers_considered: int = 0


def newcomer_figures(candidate: Candidate, spike_days=()) -> nc.NewcomerFigures:
    return nc.NewcomerFigures(
        stars=candidate.figures.stars,
        month_counted=candidate.month_counted,
        month_gained=candidate.month_gained,
        forks=candidate.figures.forks,
        pushed_on=candidate.figures.pushed_on,
        created_at=candidate.created_at,
        fork=candidate.fork,
        archived=candidate.figures.archived,
        spike_days=tuple(spike_days),
    )


def _key(pair):
    candidate, result = pair
    return ranking_key(
        score=result.score, stars=candidate.figures.stars, name=candidate.name, project_id=candidate.project_id
    )


def compute_boards(
    *,
    as_of: dt.date,
    params: Parameters,
    top_k: int,
    recorded_before: dt.datetime | None = None,
    categories: bool = True,
    category_top_k: int = 10,
    newcomers: NewcomersRequest | None = None,
    keep_figures: bool = False,
) -> Boards:
    """All boards as of ``as_of`` from one pass over the samples (at most three queries; four with ``keep_figures``).

    Queries: category membership (when ``categories``), the figures pass, and the spike days
    of the projects that made a board (when any has a spike). ``keep_figures`` (builds): the
    figures pass reads kept figures when they serve, after one statement storing the stale
    ones (``kept_figures``); the boards are the same.
    """
    members = category_memberships() if categories else {}
    window = newcomers.window() if newcomers is not None else None
    left_out: dict[str, list[int]] = {}
    overall: list = []
    by_category: dict[int, list] = {}
    fresh: list = []
    fresh_left_out: dict[str, list[int]] = {}
    fresh_considered = 0
    read = candidates_for_build if keep_figures else candidates_as_of
    for candidate in read(as_of=as_of, params=params, recorded_before=recorded_before, newcomers=window):
        if window is not None and candidate.created_at is not None:
            if window.created_since <= candidate.created_at < window.created_until:
                fresh_considered += 1
                result = nc.score_newcomer(newcomer_figures(candidate), as_of=as_of, params=newcomers.params)
                if result.eligible:
                    fresh.append((candidate, result))
                else:
                    fresh_left_out.setdefault(result.reasons[0], []).append(candidate.project_id)
        if candidate.status != Project.Status.TRACKED:
            continue  # a newcomer still awaiting triage: on no other board
        result = score_project(candidate.figures, as_of=as_of, params=params)
        if not result.eligible:
            code = ineligibility_codes(candidate.figures, as_of, params)[0]
            left_out.setdefault(code, []).append(candidate.project_id)
            continue
        overall.append((candidate, result))
        for category_id in members.get(candidate.project_id, ()):
            by_category.setdefault(category_id, []).append((candidate, result))

    best = heapq.nsmallest(top_k, overall, key=_key)
    ranked_ids = {c.project_id for c, _ in best}
    below = [c.project_id for c, _ in overall if c.project_id not in ranked_ids]
    if below:
        left_out["below_top_k"] = below
    category_best = {cid: heapq.nsmallest(category_top_k, pairs, key=_key) for cid, pairs in by_category.items()}
    fresh_best = heapq.nsmallest(newcomers.top_k, fresh, key=_key) if newcomers is not None else []
    fresh_ids = {c.project_id for c, _ in fresh_best}
    fresh_below = [c.project_id for c, _ in fresh if c.project_id not in fresh_ids]
    if fresh_below:
        fresh_left_out["below_top_k"] = fresh_below

    # Spike days, once, for every project on any board that had one.
    spiky = {c.project_id for c, _ in best if c.spike_count}
    spiky |= {c.project_id for pairs in category_best.values() for c, _ in pairs if c.spike_count}
    spiky |= {c.project_id for c, _ in fresh_best if c.spike_count}
    spikes = {}
    if spiky:
        spikes = spike_days_as_of(
            project_ids=sorted(spiky), as_of=as_of, params=params, recorded_before=recorded_before, newcomers=window
        )

    def ranked(pairs) -> list[Ranked]:
        out = []
        for position, (candidate, result) in enumerate(pairs, start=1):
            figures = candidate.figures
            if candidate.project_id in spikes:
                figures = replace(figures, spike_days=spikes[candidate.project_id])
                result = score_project(figures, as_of=as_of, params=params)
            out.append(Ranked(position, candidate.project_id, candidate.name, figures, result))
        return out

    def ranked_newcomers(pairs) -> list[Ranked]:
        out = []
        for position, (candidate, result) in enumerate(pairs, start=1):
            days = [d for d in spikes.get(candidate.project_id, ()) if d >= window.month_start]
            if days:
                figures = newcomer_figures(candidate, days)
                result = nc.score_newcomer(figures, as_of=as_of, params=newcomers.params)
            out.append(Ranked(position, candidate.project_id, candidate.name, candidate.figures, result))
        return out

    return Boards(
        overall=ranked(best),
        left_out=left_out,
        categories={cid: ranked(pairs) for cid, pairs in category_best.items()},
        category_members={cid: len(pairs) for cid, pairs in by_category.items()},
        newcomers=ranked_newcomers(fresh_best),
        newcomers_left_out=fresh_left_out,
        newcomers_considered=fresh_considered,
    )
