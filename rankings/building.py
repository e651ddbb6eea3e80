"""Computing a ranking as of a day: figures from the database, scores from ``scoring``.

Reads only. Python handles one row per candidate project (never the samples), keeps the
top K in a bounded heap, and fetches spike days for those K alone.
"""

import datetime as dt
import heapq
from dataclasses import dataclass, replace

from projects.models import Project
from stats.gains import gain_annotations

from .figures import candidates_as_of, spike_days_as_of
from .kept_figures import candidates_for_build
from .scoring import Figures, Parameters, ProjectScore, ineligibility_codes, ranking_key, score_project


@dataclass(frozen=True)
class Ranked:
    rank: int
    project_id: int
    name: str
    figures: Figures
    result: ProjectScore


def compute_ranking(
    *,
    as_of: dt.date,
    params: Parameters,
    top_k: int,
    recorded_before: dt.datetime | None = None,
    left_out: dict[str, list[int]] | None = None,
    keep_figures: bool = False,
) -> list[Ranked]:
    """The top ``top_k`` eligible projects as of ``as_of``, best first (two queries; three with ``keep_figures``).

    ``recorded_before``: read only samples written up to then (the build's own start time).
    ``left_out``, when given, receives the ids of the scored projects that could not be ranked,
    by the first reason (``scoring.ineligibility_codes``), and those eligible but below the top K.
    ``keep_figures`` (builds): read kept figures when they serve, storing the stale ones (``kept_figures``);
    the result is the same.
    """
    if keep_figures:
        candidates = candidates_for_build(as_of=as_of, params=params, recorded_before=recorded_before)
    else:
        candidates = candidates_as_of(as_of=as_of, params=params, recorded_before=recorded_before)
    scored = ((candidate, score_project(candidate.figures, as_of=as_of, params=params)) for candidate in candidates)

    def eligible(pairs):
        for candidate, result in pairs:
            if result.eligible:
                yield candidate, result
            elif left_out is not None:
                code = ineligibility_codes(candidate.figures, as_of, params)[0]
                left_out.setdefault(code, []).append(candidate.project_id)

    eligible_ids = []

    def noted(pairs):
        for pair in pairs:
            eligible_ids.append(pair[0].project_id)
            yield pair

    best = heapq.nsmallest(
        top_k,
        noted(eligible(scored)),
        key=lambda pair: ranking_key(
            score=pair[1].score, stars=pair[0].figures.stars, name=pair[0].name, project_id=pair[0].project_id
        ),
    )
    if left_out is not None:
        ranked_ids = {c.project_id for c, _ in best}
        below = [pid for pid in eligible_ids if pid not in ranked_ids]
        if below:
            left_out["below_top_k"] = below
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


# Ids kept per reason on a snapshot, for editors; the counts are always whole.
LEFT_OUT_IDS_KEPT = 500


def ranking_coverage(*, as_of: dt.date, ranked: list[Ranked], left_out: dict[str, list[int]]) -> dict:
    """What a computed ranking considered and why the rest is not in it (one query).

    Considered: every project in the catalogue but candidates (which editors have not accepted
    yet). Besides the scoring's reasons (``compute_ranking``'s ``left_out``): excluded by an
    editor, missing on GitHub by the as-of date, or no capture in the history window.
    """
    scored = {item.project_id for item in ranked} | {pid for ids in left_out.values() for pid in ids}
    reasons = {code: list(ids) for code, ids in left_out.items()}
    as_of_end = dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.UTC)
    considered = 0
    catalogue = Project.objects.exclude(status=Project.Status.CANDIDATE).order_by("pk")
    for pk, status, missing_since in catalogue.values_list("pk", "status", "missing_since"):
        considered += 1
        if pk in scored:
            continue
        if status == Project.Status.EXCLUDED:
            code = "excluded"
        elif missing_since is not None and missing_since <= as_of_end:
            code = "missing"
        else:
            code = "no_figures"
        reasons.setdefault(code, []).append(pk)
    return {
        "considered": considered,
        "ranked": len(ranked),
        "left_out": {
            code: {"count": len(ids), "ids": sorted(ids)[:LEFT_OUT_IDS_KEPT]} for code, ids in sorted(reasons.items())
        },
    }


def entry_gains(*, project_ids: list[int], as_of: dt.date) -> dict[int, tuple[int | None, int | None]]:
    """The stars each project gained in the 30 and 365 days to ``as_of`` (stats.gains' rule; one query).

    What an entry shows, as every page and the API do; the score's momentum reads the sums of
    (spike-capped) daily gains instead (``figures.py``).
    """
    rows = (
        Project.objects.filter(pk__in=project_ids)
        .annotate(**gain_annotations("pk", as_of=as_of, days=30, name="gained_30d"))
        .annotate(**gain_annotations("pk", as_of=as_of, days=365, name="gained_365d"))
        .values_list("pk", "gained_30d", "gained_365d")
    )
    return {pk: (short, long) for pk, short, long in rows}
