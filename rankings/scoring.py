"""The MLTop score: pure functions over a project's figures, no database and no HTTP.

A project's score is the weighted sum of four components, each normalised to 0..1:

popularity
    Total stars on a log scale: ``log(1 + stars) / log(1 + 100,000)``, capped at 1, so going
    from 100 to 1,000 stars counts as much as going from 10,000 to 100,000.
momentum
    Stars gained over the short window (default 30 days) and the long window (default 365
    days), each on a square-root scale against a reference pace of 300 stars a day
    (``sqrt(gained / (300 * window days))``, capped at 1; losses count as 0). The short window
    weighs more (default 70 %), so a young project climbing fast can beat an old giant.
engagement
    Forks and watchers, each on a log scale (references 20,000 forks and 2,000 watchers),
    averaged. An unknown figure counts as 0.
recency
    ``0.5 ** (days since the last push / half-life)`` (half-life 90 days by default): a push
    today gives 1, one a half-life ago 0.5. An unknown push date gives 0.

Eligibility: at least ``min_stars`` stars on the as-of date; archived repositories and those
with no push for ``inactive_days`` are not eligible unless an editor keeps them. (Catalogue
rules - tracked, not excluded, not missing - are applied by the snapshot builder.)

Spikes: the history is a series of captures; each pair of consecutive captures is an
interval with a gain. An interval's gain is capped when the project has at least
``SPIKE_MIN_HISTORY`` earlier intervals and the gain exceeds ``spike_factor`` times the
project's average daily gain over its previous ``spike_baseline`` intervals (and at least
``spike_floor`` stars a day): it then counts only up to that cap, and the project is flagged
"unusual star spike on DATE". All of this is integer arithmetic, so the database (which
computes the same figures for thousands of projects, see ``rankings.figures``) and this
module agree to the star.

Only captures in the history window (``long_days + spike_baseline`` days up to the as-of
date) are read; nothing after the as-of date ever is.

Ties rank by score, then stars, then name (then id, so the order is total).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

METHOD = "mltop-score/1"
COMPONENTS = ("popularity", "momentum", "engagement", "recency")

# Reference scales: part of the method version (change them, change METHOD).
POPULARITY_REFERENCE_STARS = 100_000
MOMENTUM_REFERENCE_STARS_PER_DAY = 300
ENGAGEMENT_REFERENCE_FORKS = 20_000
ENGAGEMENT_REFERENCE_WATCHERS = 2_000
SPIKE_MIN_HISTORY = 7

DEFAULT_WEIGHTS = {"popularity": 0.30, "momentum": 0.40, "engagement": 0.15, "recency": 0.15}


@dataclass(frozen=True)
class Parameters:
    """Weights and windows of one scoring run; recorded on every snapshot."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    short_days: int = 30
    long_days: int = 365
    short_share: float = 0.7
    half_life_days: int = 90
    inactive_days: int = 365
    min_stars: int = 100
    spike_factor: int = 10
    spike_floor: int = 50
    spike_baseline: int = 30

    def __post_init__(self):
        if set(self.weights) != set(COMPONENTS):
            raise ValueError(f"Weights must name exactly {', '.join(COMPONENTS)}.")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("Weights cannot be negative.")
        if not 0 < self.short_days < self.long_days:
            raise ValueError("The short momentum window must be shorter than the long one.")
        if not 0 <= self.short_share <= 1:
            raise ValueError("The short window's share of momentum must be between 0 and 1.")
        if min(self.half_life_days, self.inactive_days, self.spike_factor, self.spike_baseline) < 1:
            raise ValueError("Half-life, inactivity, spike factor and baseline must be at least 1.")

    @classmethod
    def from_settings(cls, settings) -> Parameters:
        return cls(
            weights={name: float(settings.RANKING_WEIGHTS[name]) for name in COMPONENTS},
            short_days=settings.RANKING_MOMENTUM_SHORT_DAYS,
            long_days=settings.RANKING_MOMENTUM_LONG_DAYS,
            short_share=settings.RANKING_MOMENTUM_SHORT_SHARE,
            half_life_days=settings.RANKING_RECENCY_HALF_LIFE_DAYS,
            inactive_days=settings.RANKING_INACTIVE_DAYS,
            min_stars=settings.RANKING_MIN_STARS,
            spike_factor=settings.RANKING_SPIKE_FACTOR,
            spike_floor=settings.RANKING_SPIKE_FLOOR,
            spike_baseline=settings.RANKING_SPIKE_BASELINE,
        )

    @classmethod
    def from_record(cls, *, weights: Mapping[str, float], parameters: Mapping) -> Parameters:
        known = {f for f in cls.__dataclass_fields__ if f != "weights"}
        return cls(weights=dict(weights), **{k: v for k, v in parameters.items() if k in known})

    def weights_record(self) -> dict[str, float]:
        return {name: float(self.weights[name]) for name in COMPONENTS}

    def parameters_record(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "weights"}

    def history_start(self, as_of: dt.date) -> dt.date:
        """Captures on or before this day are not read (the window is open at its start)."""
        return as_of - dt.timedelta(days=self.long_days + self.spike_baseline)


@dataclass(frozen=True)
class Sample:
    day: dt.date
    stars: int
    forks: int | None = None
    watchers: int | None = None
    pushed_on: dt.date | None = None


@dataclass(frozen=True)
class Figures:
    """What the score is computed from, as of one day."""

    stars: int
    forks: int | None = None
    watchers: int | None = None
    pushed_on: dt.date | None = None
    gained_short: int = 0
    gained_long: int = 0
    counted_short: int = 0
    counted_long: int = 0
    spike_days: tuple[dt.date, ...] = ()
    archived: bool = False
    keep: bool = False


@dataclass(frozen=True)
class Component:
    name: str
    value: float
    weight: float

    @property
    def contribution(self) -> float:
        return self.value * self.weight


@dataclass(frozen=True)
class ProjectScore:
    score: float
    components: tuple[Component, ...]
    eligible: bool
    reasons: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    def breakdown(self) -> dict[str, dict[str, float]]:
        """The stored form: component -> value, weight, contribution, in COMPONENTS order."""
        return {c.name: {"value": c.value, "weight": c.weight, "contribution": c.contribution} for c in self.components}


def ordered_breakdown(breakdown: Mapping[str, Mapping[str, float]]) -> list[tuple[str, Mapping[str, float]]]:
    """A stored breakdown's components in COMPONENTS order.

    PostgreSQL's jsonb does not keep key order, so readers iterate with this, not the dict.
    """
    return [(name, breakdown[name]) for name in COMPONENTS if name in breakdown]


def log_scale(amount: int | None, reference: int) -> float:
    """``log(1 + amount) / log(1 + reference)``, within 0..1."""
    if not amount or amount <= 0:
        return 0.0
    return min(1.0, math.log1p(amount) / math.log1p(reference))


def sqrt_scale(amount: int, reference: int) -> float:
    if amount <= 0:
        return 0.0
    return min(1.0, math.sqrt(amount / reference))


def popularity(figures: Figures) -> float:
    return log_scale(figures.stars, POPULARITY_REFERENCE_STARS)


def momentum(figures: Figures, params: Parameters) -> float:
    short = sqrt_scale(figures.counted_short, MOMENTUM_REFERENCE_STARS_PER_DAY * params.short_days)
    long = sqrt_scale(figures.counted_long, MOMENTUM_REFERENCE_STARS_PER_DAY * params.long_days)
    return params.short_share * short + (1 - params.short_share) * long


def engagement(figures: Figures) -> float:
    forks = log_scale(figures.forks, ENGAGEMENT_REFERENCE_FORKS)
    watchers = log_scale(figures.watchers, ENGAGEMENT_REFERENCE_WATCHERS)
    return (forks + watchers) / 2


def days_since_push(figures: Figures, as_of: dt.date) -> int | None:
    if figures.pushed_on is None:
        return None
    return max(0, (as_of - figures.pushed_on).days)


def recency(figures: Figures, as_of: dt.date, params: Parameters) -> float:
    days = days_since_push(figures, as_of)
    if days is None:
        return 0.0
    return 0.5 ** (days / params.half_life_days)


def ineligibility_codes(figures: Figures, as_of: dt.date, params: Parameters) -> tuple[str, ...]:
    """Why a project may not be ranked, as codes (``under_star_floor``, ``archived``, ``inactive``)."""
    codes = []
    if figures.stars < params.min_stars:
        codes.append("under_star_floor")
    if not figures.keep:
        if figures.archived:
            codes.append("archived")
        days = days_since_push(figures, as_of)
        if days is not None and days > params.inactive_days:
            codes.append("inactive")
    return tuple(codes)


def ineligibility(figures: Figures, as_of: dt.date, params: Parameters) -> tuple[str, ...]:
    """Why a project may not be ranked (empty when it may), in words."""
    words = {
        "under_star_floor": f"fewer than {params.min_stars} stars",
        "archived": "archived",
        "inactive": f"no push for {days_since_push(figures, as_of)} days",
    }
    return tuple(words[code] for code in ineligibility_codes(figures, as_of, params))


def spike_flags(figures: Figures) -> tuple[str, ...]:
    return tuple(f"unusual star spike on {day.isoformat()}" for day in figures.spike_days)


def score_project(figures: Figures, *, as_of: dt.date, params: Parameters) -> ProjectScore:
    values = {
        "popularity": popularity(figures),
        "momentum": momentum(figures, params),
        "engagement": engagement(figures),
        "recency": recency(figures, as_of, params),
    }
    components = tuple(Component(name, values[name], float(params.weights[name])) for name in COMPONENTS)
    total = 0.0
    for component in components:
        total += component.contribution
    reasons = ineligibility(figures, as_of, params)
    return ProjectScore(
        score=total, components=components, eligible=not reasons, reasons=reasons, flags=spike_flags(figures)
    )


def ranking_key(*, score: float, stars: int, name: str, project_id: int = 0) -> tuple:
    """Sort key: higher score first, then more stars, then name (case-insensitive), then id."""
    return (-score, -stars, name.casefold(), name, project_id)


def allowed_gain(*, days: int, base_gain: int, base_days: int, params: Parameters) -> int:
    """The most an interval of ``days`` may count, given the previous intervals' gain and days."""
    paced = params.spike_factor * max(base_gain, 0) * days // base_days
    return max(paced, params.spike_floor * days)


def figures_from_samples(
    samples: Iterable[Sample],
    *,
    as_of: dt.date,
    params: Parameters,
    archived: bool = False,
    keep: bool = False,
    pushed_on: dt.date | None = None,
) -> Figures | None:
    """A project's figures as of a day from its captures (the reference for ``rankings.figures``).

    ``pushed_on`` is the fallback last-push date when the newest capture has none.
    Returns None when there is no capture in the history window.
    """
    start = params.history_start(as_of)
    window = sorted((s for s in samples if start < s.day <= as_of), key=lambda s: s.day)
    if not window:
        return None
    short_start = as_of - dt.timedelta(days=params.short_days)
    long_start = as_of - dt.timedelta(days=params.long_days)
    intervals: list[tuple[int, int]] = []  # (gain, days) of the intervals before the current one
    gained_short = gained_long = counted_short = counted_long = 0
    spikes = []
    for previous, current in zip(window, window[1:], strict=False):
        gain = current.stars - previous.stars
        days = (current.day - previous.day).days
        base = intervals[-params.spike_baseline :]
        counted = gain
        if len(base) >= SPIKE_MIN_HISTORY:
            cap = allowed_gain(
                days=days, base_gain=sum(g for g, _ in base), base_days=sum(d for _, d in base), params=params
            )
            if gain > cap:
                counted = cap
                if current.day > long_start:
                    spikes.append(current.day)
        intervals.append((gain, days))
        if current.day > long_start:
            gained_long += gain
            counted_long += counted
        if current.day > short_start:
            gained_short += gain
            counted_short += counted
    newest = window[-1]
    return Figures(
        stars=newest.stars,
        forks=newest.forks,
        watchers=newest.watchers,
        pushed_on=newest.pushed_on or (pushed_on if pushed_on and pushed_on <= as_of else None),
        gained_short=gained_short,
        gained_long=gained_long,
        counted_short=counted_short,
        counted_long=counted_long,
        spike_days=tuple(spikes),
        archived=archived,
        keep=keep,
    )
