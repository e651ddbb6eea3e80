"""The newcomers' score (``newcomers-v1``): pure functions, no database and no HTTP.

The month's newcomers board ranks projects whose repository was created in the month (or up
to ``created_days_before`` days before it), not forks, not archived, tracked or still
candidates (discovery's finds that no editor has excluded). Their score is the weighted sum
of three components, each normalised to 0..1:

month_stars
    Stars gained in the month, spike-capped as the overall score's momentum is (an interval
    whose gain exceeds ``spike_factor`` times the project's recent daily pace counts only up
    to that), on a log scale: ``log(1 + gained) / log(1 + 10,000)``, capped at 1. The stars
    of a project's first capture count: it had none before it was created.
forks
    Forks on the last day of the month, ``log(1 + forks) / log(1 + 1,000)``, capped at 1:
    people building on it already.
recency
    ``0.5 ** (days since the last push / 14)``: a project still being worked on at the end
    of its first month beats one pushed once and left.

Not eligible: fewer than ``min_gained`` stars gained in the month, a fork, archived.
Ties rank by score, then stars, then name, then id (``scoring.ranking_key``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from .scoring import Component, ProjectScore, log_scale, ranking_key

METHOD = "newcomers-v1"
COMPONENTS = ("month_stars", "forks", "recency")
DEFAULT_WEIGHTS = {"month_stars": 0.65, "forks": 0.20, "recency": 0.15}

# Reference scales: part of the method version (change them, change METHOD).
MONTH_STARS_REFERENCE = 10_000
FORKS_REFERENCE = 1_000
RECENCY_HALF_LIFE_DAYS = 14


@dataclass(frozen=True)
class NewcomerParameters:
    """Weights and limits of one newcomers' scoring run; recorded on every edition."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    min_gained: int = 10
    created_days_before: int = 0

    def __post_init__(self):
        if set(self.weights) != set(COMPONENTS):
            raise ValueError(f"Weights must name exactly {', '.join(COMPONENTS)}.")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("Weights cannot be negative.")
        if self.min_gained < 0 or self.created_days_before < 0:
            raise ValueError("The minimum gain and the days before the month cannot be negative.")

    @classmethod
    def from_settings(cls, settings) -> NewcomerParameters:
        return cls(
            weights={name: float(settings.NEWCOMERS_WEIGHTS[name]) for name in COMPONENTS},
            min_gained=settings.NEWCOMERS_MIN_STARS_GAINED,
            created_days_before=settings.NEWCOMERS_CREATED_DAYS_BEFORE,
        )

    def weights_record(self) -> dict[str, float]:
        return {name: float(self.weights[name]) for name in COMPONENTS}

    def parameters_record(self) -> dict:
        return {
            "min_gained": self.min_gained,
            "created_days_before": self.created_days_before,
            "month_stars_reference": MONTH_STARS_REFERENCE,
            "forks_reference": FORKS_REFERENCE,
            "recency_half_life_days": RECENCY_HALF_LIFE_DAYS,
        }


@dataclass(frozen=True)
class Month:
    """A calendar month, ``YYYY-MM``."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``2026-11`` -> Month(2026, 11); ValueError for anything else."""
        parts = text.split("-") if isinstance(text, str) else []
        if len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2 or not all(p.isdigit() for p in parts):
            raise ValueError(f"A month is written YYYY-MM, not “{text}”.")
        year, month = int(parts[0]), int(parts[1])
        if not 1 <= month <= 12 or year < 1970:
            raise ValueError(f"A month is written YYYY-MM, not “{text}”.")
        return cls(year, month)

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def last_day(self) -> dt.date:
        return self.next.first_day - dt.timedelta(days=1)

    def created_window(self, days_before: int = 0) -> tuple[dt.datetime, dt.datetime]:
        """[since, until) in UTC: from 00:00 on the first day (less ``days_before``) to 00:00 on the next month's."""
        since = dt.datetime.combine(self.first_day - dt.timedelta(days=days_before), dt.time.min, tzinfo=dt.UTC)
        until = dt.datetime.combine(self.next.first_day, dt.time.min, tzinfo=dt.UTC)
        return since, until


@dataclass(frozen=True)
class NewcomerFigures:
    stars: int
    month_counted: int
    month_gained: int = 0
    forks: int | None = None
    pushed_on: dt.date | None = None
    created_at: dt.datetime | None = None
    fork: bool = False
    archived: bool = False
    spike_days: tuple[dt.date, ...] = ()


def ineligibility_codes(figures: NewcomerFigures, params: NewcomerParameters) -> tuple[str, ...]:
    codes = []
    if figures.fork:
        codes.append("fork")
    if figures.archived:
        codes.append("archived")
    if figures.month_counted < params.min_gained:
        codes.append("under_star_floor")
    return tuple(codes)


def score_newcomer(figures: NewcomerFigures, *, as_of: dt.date, params: NewcomerParameters) -> ProjectScore:
    days = None if figures.pushed_on is None else max(0, (as_of - figures.pushed_on).days)
    values = {
        "month_stars": log_scale(figures.month_counted, MONTH_STARS_REFERENCE),
        "forks": log_scale(figures.forks, FORKS_REFERENCE),
        "recency": 0.0 if days is None else 0.5 ** (days / RECENCY_HALF_LIFE_DAYS),
    }
    components = tuple(Component(name, values[name], float(params.weights[name])) for name in COMPONENTS)
    total = 0.0
    for component in components:
        total += component.contribution
    codes = ineligibility_codes(figures, params)
    flags = tuple(f"unusual star spike on {day.isoformat()}" for day in figures.spike_days)
    return ProjectScore(score=total, components=components, eligible=not codes, reasons=codes, flags=flags)


def newcomer_key(*, score: float, stars: int, name: str, project_id: int) -> tuple:
    return ranking_key(score=score, stars=stars, name=name, project_id=project_id)
