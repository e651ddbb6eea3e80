"""Computing a ranking as of a day: figures from the database, scores from ``scoring``.

Reads only. Python handles one row per candidate project (never the samples), keeps the
top K in a bounded heap, and fetches spike days for those K alone.
"""

import datetime as dt
import heapq
from dataclasses import dataclass, replace

from .figures import candidates_as_of, spike_days_as_of
from .scoring import Figures, Parameters, ProjectScore, ranking_key, score_project


@dataclass(frozen=True)
class Ranked:
    rank: int
    project_id: int
    name: str
    figures: Figures
    result: ProjectScore


def compute_ranking(
    *, as_of: dt.date, params: Parameters, top_k: int, recorded_before: dt.datetime | None = None
) -> list[Ranked]:
    """The top ``top_k`` eligible projects as of ``as_of``, best first (two queries).

    ``recorded_before``: read only samples written up to then (the build's own start time).
    """
    scored = (
        (candidate, score_project(candidate.figures, as_of=as_of, params=params))
        for candidate in candidates_as_of(as_of=as_of, params=params, recorded_before=recorded_before)
    )
    best = heapq.nsmallest(
        top_k,
        ((c, s) for c, s in scored if s.eligible),
        key=lambda pair: ranking_key(
            score=pair[1].score, stars=pair[0].figures.stars, name=pair[0].name, project_id=pair[0].project_id
        ),
    )
    spiky = [c.project_id for c, _ in best if c.spike_count]
    spikes = {}
    if spiky:
        spikes = spike_days_as_of(project_ids=spiky, as_of=as_of, params=params, recorded_before=recorded_before)
    ranked = []
    for position, (candidate, result) in enumerate(best, start=1):
        figures = candidate.figures
        if candidate.project_id in spikes:
            figures = replace(figures, spike_days=spikes[candidate.project_id])
            result = score_project(figures, as_of=as_of, params=params)
        ranked.append(
            Ranked(rank=position, project_id=candidate.project_id, name=candidate.name, figures=figures, result=result)
        )
    return ranked
