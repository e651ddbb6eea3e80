"""Writes for the boards: the daily build of every board, the month's newcomers' edition.

``boards_build`` stores the overall snapshot (as ``services.snapshot_build`` does) and one
snapshot per field from one figures pass; ``newcomers_build`` stores a month's edition of
the newcomers board. Publishing goes through ``services.snapshot_publish`` (which, for a
newcomers' edition, marks its candidates tracked).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mltop import locks
from projects.models import Category

from . import newcomers as nc
from .boards import Boards, NewcomersRequest, compute_boards
from .building import LEFT_OUT_IDS_KEPT, entry_gains, ranking_coverage
from .models import RankingSnapshot
from .scoring import METHOD, Parameters
from .services import (
    BUILD_SNAPSHOT_LOCK,
    BUILD_SNAPSHOT_LOCK_SECONDS,
    MAX_TOP_K,
    snapshot_store_computed,
)


@dataclass(frozen=True)
class BoardsBuilt:
    overall: RankingSnapshot | None
    categories: list[RankingSnapshot]


def _taken_at(as_of: dt.date, today: dt.date) -> dt.datetime:
    return timezone.now() if as_of == today else dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.UTC)


def _left_out_record(reasons: dict[str, list[int]]) -> dict:
    return {code: {"count": len(ids), "ids": sorted(ids)[:LEFT_OUT_IDS_KEPT]} for code, ids in sorted(reasons.items())}


def _category_coverage(members: int, ranked: int) -> dict:
    """A field board considers its eligible members; the rest of them are below its top 10."""
    below = {"below_top_k": {"count": members - ranked, "ids": []}} if members > ranked else {}
    return {"considered": members, "ranked": ranked, "left_out": below}


def _check_as_of(as_of: dt.date, today: dt.date) -> None:
    if as_of > today:
        raise ValidationError(_("The as-of date %(date)s is in the future.") % {"date": as_of.isoformat()})


@transaction.atomic
def boards_build(
    *,
    as_of: dt.date | None = None,
    top_k: int | None = None,
    publish: bool | None = None,
    params: Parameters | None = None,
) -> BoardsBuilt:
    """The overall board and every active field's top 10 as of ``as_of`` (today), from one figures pass.

    The overall snapshot is what ``services.snapshot_build`` stores (published per
    RANKING_AUTO_PUBLISH or ``publish``); field boards are published per
    CATEGORY_BOARD_AUTO_PUBLISH (or ``publish``). A field with no eligible member gets none.
    """
    today = timezone.now().date()
    as_of = as_of or today
    _check_as_of(as_of, today)
    top_k = settings.RANKING_TOP_K if top_k is None else top_k
    if not 1 <= top_k <= MAX_TOP_K:
        raise ValidationError(_("The number of entries must be between 1 and %(max)d.") % {"max": MAX_TOP_K})
    params = params or Parameters.from_settings(settings)
    recorded_before = timezone.now()
    boards: Boards = compute_boards(
        as_of=as_of,
        params=params,
        top_k=top_k,
        recorded_before=recorded_before,
        category_top_k=settings.CATEGORY_BOARD_TOP_K,
        keep_figures=True,
    )
    ids = {item.project_id for item in boards.overall}
    ids |= {item.project_id for ranked in boards.categories.values() for item in ranked}
    gains = entry_gains(project_ids=sorted(ids), as_of=as_of)
    common = {
        "taken_at": _taken_at(as_of, today),
        "method": METHOD,
        "weights": params.weights_record(),
        "parameters": {
            **params.parameters_record(),
            "as_of": as_of.isoformat(),
            "top_k": top_k,
            "recorded_before": recorded_before.isoformat(),
        },
    }
    overall = None
    if boards.overall:
        overall = snapshot_store_computed(
            ranked=boards.overall,
            gains=gains,
            publish=settings.RANKING_AUTO_PUBLISH if publish is None else publish,
            title=f"Computed ranking · {as_of.isoformat()}",
            board=RankingSnapshot.Board.OVERALL,
            period=as_of.isoformat(),
            coverage=ranking_coverage(as_of=as_of, ranked=boards.overall, left_out=boards.left_out),
            **common,
        )
    built = []
    category_k = settings.CATEGORY_BOARD_TOP_K
    for category in Category.objects.filter(pk__in=list(boards.categories)):
        ranked = boards.categories[category.pk]
        built.append(
            snapshot_store_computed(
                ranked=ranked,
                gains=gains,
                publish=settings.CATEGORY_BOARD_AUTO_PUBLISH if publish is None else publish,
                title=f"Top 10 in {category.name_en} · {as_of.isoformat()}",
                board=RankingSnapshot.Board.CATEGORY,
                category=category,
                period=as_of.isoformat(),
                coverage=_category_coverage(boards.category_members[category.pk], len(ranked)),
                **{**common, "parameters": {**common["parameters"], "top_k": category_k}},
            )
        )
    if overall is None and not built:
        raise ValidationError(
            _("No project is eligible as of %(date)s: nothing tracked has enough stars and recent figures.")
            % {"date": as_of.isoformat()}
        )
    return BoardsBuilt(overall=overall, categories=built)


def boards_build_scheduled(*, as_of: dt.date | None = None, top_k: int | None = None) -> BoardsBuilt | None:
    """``boards_build`` under the build lock (the one snapshot builds take): None when another build runs."""
    with locks.held(BUILD_SNAPSHOT_LOCK, timeout=BUILD_SNAPSHOT_LOCK_SECONDS) as acquired:
        return boards_build(as_of=as_of, top_k=top_k) if acquired else None


@transaction.atomic
def newcomers_build(
    *,
    month: nc.Month,
    publish: bool = False,
    params: nc.NewcomerParameters | None = None,
    top_k: int | None = None,
) -> RankingSnapshot:
    """A draft (or published) edition of ``month``'s newcomers, from the samples up to its last day (or today).

    Raises ValidationError for a month that has not started, or when nothing is eligible.
    """
    today = timezone.now().date()
    if month.first_day > today:
        raise ValidationError(_("The month %(month)s has not started.") % {"month": str(month)})
    as_of = min(month.last_day, today)
    params = params or nc.NewcomerParameters.from_settings(settings)
    top_k = settings.NEWCOMERS_TOP_K if top_k is None else top_k
    scoring_params = Parameters.from_settings(settings)
    recorded_before = timezone.now()
    boards = compute_boards(
        as_of=as_of,
        params=scoring_params,
        top_k=1,
        recorded_before=recorded_before,
        categories=False,
        newcomers=NewcomersRequest(month=month, params=params, top_k=top_k),
        keep_figures=True,
    )
    if not boards.newcomers:
        raise ValidationError(
            _("No project created in %(month)s is eligible: none has gained enough stars, or discovery found none.")
            % {"month": str(month)}
        )
    since, until = month.created_window(params.created_days_before)
    gains = entry_gains(project_ids=[item.project_id for item in boards.newcomers], as_of=as_of)
    return snapshot_store_computed(
        ranked=boards.newcomers,
        gains=gains,
        publish=publish,
        title=f"The ten newest ML projects · {month.first_day:%B %Y}",
        board=RankingSnapshot.Board.NEW,
        period=str(month),
        taken_at=_taken_at(as_of, today),
        method=nc.METHOD,
        weights=params.weights_record(),
        parameters={
            **params.parameters_record(),
            **scoring_params.parameters_record(),
            "month": str(month),
            "created_since": since.isoformat(),
            "created_until": until.isoformat(),
            "as_of": as_of.isoformat(),
            "top_k": top_k,
            "recorded_before": recorded_before.isoformat(),
        },
        coverage={
            "considered": boards.newcomers_considered,
            "ranked": len(boards.newcomers),
            "left_out": _left_out_record(boards.newcomers_left_out),
        },
    )


def newcomers_build_scheduled(*, month: nc.Month | None = None) -> RankingSnapshot | None:
    """Last month's draft edition (the beat task on the 1st), under the build lock; None when busy."""
    month = month or nc.Month.of(timezone.now().date()).previous
    with locks.held(BUILD_SNAPSHOT_LOCK, timeout=BUILD_SNAPSHOT_LOCK_SECONDS) as acquired:
        return newcomers_build(month=month) if acquired else None
