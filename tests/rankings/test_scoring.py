"""The score on hand-computed cases and its properties; no database."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rankings.scoring import (
    COMPONENTS,
    Figures,
    Parameters,
    Sample,
    engagement,
    figures_from_samples,
    ineligibility,
    momentum,
    popularity,
    ranking_key,
    recency,
    score_project,
)

AS_OF = dt.date(2026, 6, 30)
PARAMS = Parameters()


def days_ago(n: int) -> dt.date:
    return AS_OF - dt.timedelta(days=n)


def history(gains: list[int], *, start_stars: int = 1000, end: dt.date = AS_OF) -> list[Sample]:
    """Daily captures ending on ``end``, the first with ``start_stars``, then one gain a day."""
    first = end - dt.timedelta(days=len(gains))
    samples, stars = [Sample(first, start_stars)], start_stars
    for i, gain in enumerate(gains, start=1):
        stars += gain
        samples.append(Sample(first + dt.timedelta(days=i), stars))
    return samples


@pytest.mark.parametrize(
    ("stars", "expected"),
    [(0, 0.0), (316, 0.5002114), (999, 0.5999995), (100_000, 1.0), (5_000_000, 1.0)],
)
def test_popularity_is_log_stars_against_100k(stars, expected):
    assert popularity(Figures(stars=stars)) == pytest.approx(expected, abs=1e-7)


@pytest.mark.parametrize(
    ("short", "long", "expected"),
    [
        (0, 0, 0.0),
        (9_000, 0, 0.7),  # 300 a day for 30 days saturates the short window (70 %)
        (0, 109_500, 0.3),  # 300 a day for 365 days saturates the long one (30 %)
        (2_250, 27_375, 0.5),  # a quarter of each reference: sqrt gives one half
        (-500, -500, 0.0),  # losses count as nothing
        (90_000, 1_000_000, 1.0),
    ],
)
def test_momentum_is_square_root_gains_monthly_weighted_above_yearly(short, long, expected):
    assert momentum(Figures(stars=1, counted_short=short, counted_long=long), PARAMS) == pytest.approx(expected)


def test_momentum_uses_the_capped_gains_not_the_raw_ones():
    figures = Figures(stars=1, gained_short=9_000, gained_long=9_000, counted_short=0, counted_long=0)
    assert momentum(figures, PARAMS) == 0.0


@pytest.mark.parametrize(
    ("forks", "watchers", "expected"),
    [
        (None, None, 0.0),
        (20_000, 0, 0.5),
        (20_000, 2_000, 1.0),
        (1_999, 199, (0.7674937 + 0.6970185) / 2),
    ],
)
def test_engagement_averages_log_forks_and_watchers(forks, watchers, expected):
    assert engagement(Figures(stars=1, forks=forks, watchers=watchers)) == pytest.approx(expected, abs=1e-7)


@pytest.mark.parametrize(("pushed", "expected"), [(0, 1.0), (90, 0.5), (180, 0.25), (None, 0.0)])
def test_recency_halves_every_ninety_days(pushed, expected):
    figures = Figures(stars=1, pushed_on=None if pushed is None else days_ago(pushed))
    assert recency(figures, AS_OF, PARAMS) == pytest.approx(expected)


def test_whole_score_on_a_hand_computed_case():
    figures = Figures(
        stars=100_000, forks=20_000, watchers=0, pushed_on=days_ago(90), counted_short=2_250, counted_long=27_375
    )
    result = score_project(figures, as_of=AS_OF, params=PARAMS)
    # 0.30 * 1 + 0.40 * 0.5 + 0.15 * 0.5 + 0.15 * 0.5
    assert result.score == pytest.approx(0.65)
    assert result.eligible and result.reasons == () and result.flags == ()


def test_breakdown_has_the_shared_format_and_sums_to_the_score():
    figures = Figures(stars=316, forks=1_999, watchers=199, pushed_on=days_ago(10), counted_short=100)
    result = score_project(figures, as_of=AS_OF, params=PARAMS)
    breakdown = result.breakdown()
    assert list(breakdown) == list(COMPONENTS)
    for name, part in breakdown.items():
        assert set(part) == {"value", "weight", "contribution"}
        assert 0.0 <= part["value"] <= 1.0
        assert part["weight"] == PARAMS.weights[name]
        assert part["contribution"] == part["value"] * part["weight"]
    assert result.score == sum(part["contribution"] for part in breakdown.values())


def test_custom_weights_change_the_score():
    params = Parameters(weights={"popularity": 1.0, "momentum": 0.0, "engagement": 0.0, "recency": 0.0})
    result = score_project(Figures(stars=316, pushed_on=AS_OF), as_of=AS_OF, params=params)
    assert result.score == pytest.approx(0.5002114, abs=1e-7)


def test_parameters_refuse_unknown_weights_and_bad_windows():
    with pytest.raises(ValueError, match="Weights must name"):
        Parameters(weights={"popularity": 1.0})
    with pytest.raises(ValueError, match="shorter than the long one"):
        Parameters(short_days=400)


def test_parameters_round_trip_through_their_record():
    params = Parameters(short_days=7, spike_factor=5)
    again = Parameters.from_record(weights=params.weights_record(), parameters=params.parameters_record())
    assert again == params


def test_a_young_fast_climber_beats_an_old_giant():
    giant = Figures(stars=100_000, forks=20_000, watchers=2_000, pushed_on=AS_OF, counted_short=500, counted_long=6_000)
    climber = Figures(stars=10_000, forks=300, watchers=100, pushed_on=AS_OF, counted_short=10_000, counted_long=10_000)
    giant_score = score_project(giant, as_of=AS_OF, params=PARAMS).score
    climber_score = score_project(climber, as_of=AS_OF, params=PARAMS).score
    assert climber_score > giant_score


def test_eligibility_rules():
    assert ineligibility(Figures(stars=99, pushed_on=AS_OF), AS_OF, PARAMS) == ("fewer than 100 stars",)
    assert ineligibility(Figures(stars=500, archived=True), AS_OF, PARAMS) == ("archived",)
    assert ineligibility(Figures(stars=500, pushed_on=days_ago(366)), AS_OF, PARAMS) == ("no push for 366 days",)
    assert ineligibility(Figures(stars=500, pushed_on=days_ago(365)), AS_OF, PARAMS) == ()
    kept = Figures(stars=500, archived=True, pushed_on=days_ago(1000), keep=True)
    assert ineligibility(kept, AS_OF, PARAMS) == ()
    assert not score_project(Figures(stars=99), as_of=AS_OF, params=PARAMS).eligible


def test_ties_break_on_stars_then_name():
    keys = [
        ranking_key(score=0.5, stars=10, name="beta", project_id=1),
        ranking_key(score=0.5, stars=20, name="zeta", project_id=2),
        ranking_key(score=0.5, stars=10, name="Alpha", project_id=3),
        ranking_key(score=0.9, stars=1, name="omega", project_id=4),
    ]
    assert [k[-1] for k in sorted(keys)] == [4, 2, 3, 1]


def test_gains_over_both_windows_from_daily_samples():
    samples = history([10] * 400)
    figures = figures_from_samples(samples, as_of=AS_OF, params=PARAMS)
    assert (figures.stars, figures.gained_short, figures.gained_long) == (5000, 300, 3650)
    assert (figures.counted_short, figures.counted_long, figures.spike_days) == (300, 3650, ())


def test_a_spike_counts_up_to_ten_times_the_recent_pace_and_is_flagged():
    # Ten days of +10, then a day of +1,000: the recent pace is 10 a day, so it counts 100.
    samples = history([10] * 10 + [1_000])
    figures = figures_from_samples(samples, as_of=AS_OF, params=PARAMS)
    assert (figures.gained_short, figures.counted_short) == (1_100, 200)
    assert figures.spike_days == (AS_OF,)
    result = score_project(figures, as_of=AS_OF, params=PARAMS)
    assert result.flags == (f"unusual star spike on {AS_OF.isoformat()}",)


def test_the_floor_lets_small_projects_gain_fifty_a_day():
    samples = history([1] * 10 + [50])
    figures = figures_from_samples(samples, as_of=AS_OF, params=PARAMS)
    assert (figures.counted_short, figures.spike_days) == (60, ())


def test_no_cap_without_seven_earlier_intervals():
    samples = history([10] * 6 + [1_000])
    figures = figures_from_samples(samples, as_of=AS_OF, params=PARAMS)
    assert (figures.counted_short, figures.spike_days) == (1_060, ())


def test_no_look_ahead_from_samples():
    samples = history([10] * 40) + history([10_000] * 5, start_stars=50_000, end=AS_OF + dt.timedelta(days=5))[1:]
    figures = figures_from_samples(samples, as_of=AS_OF, params=PARAMS)
    assert (figures.stars, figures.gained_short) == (1_400, 300)


def test_nothing_in_the_window_means_no_figures():
    old = [Sample(days_ago(500), 1_000)]
    assert figures_from_samples(old, as_of=AS_OF, params=PARAMS) is None


def test_project_push_date_is_a_fallback_but_never_from_the_future():
    samples = history([1] * 3)
    assert figures_from_samples(samples, as_of=AS_OF, params=PARAMS, pushed_on=days_ago(3)).pushed_on == days_ago(3)
    later = AS_OF + dt.timedelta(days=1)
    assert figures_from_samples(samples, as_of=AS_OF, params=PARAMS, pushed_on=later).pushed_on is None


figure_values = st.fixed_dictionaries(
    {
        "forks": st.none() | st.integers(0, 10**6),
        "watchers": st.none() | st.integers(0, 10**6),
        "pushed_on": st.none() | st.dates(min_value=dt.date(2015, 1, 1), max_value=AS_OF),
        "counted_short": st.integers(-1000, 10**6),
        "counted_long": st.integers(-1000, 10**7),
    }
)


@given(stars=st.integers(0, 10**7), more=st.integers(0, 10**7), values=figure_values)
def test_more_stars_never_lower_the_score(stars, more, values):
    lower = score_project(Figures(stars=stars, **values), as_of=AS_OF, params=PARAMS)
    higher = score_project(Figures(stars=stars + more, **values), as_of=AS_OF, params=PARAMS)
    assert higher.score >= lower.score
    assert higher.eligible or not lower.eligible


# Within the short window, so only the shape of the gains differs, not which window they fall in.
@given(gains=st.lists(st.integers(0, 20_000), min_size=8, max_size=30))
def test_a_capped_spike_never_beats_a_steady_grower_with_the_same_total(gains):
    total, days = sum(gains), len(gains)
    pace, extra = divmod(total, days)
    steady = history([pace + 1] * extra + [pace] * (days - extra))
    bursty = history(gains)
    steady_figures = figures_from_samples(steady, as_of=AS_OF, params=PARAMS)
    bursty_figures = figures_from_samples(bursty, as_of=AS_OF, params=PARAMS)
    assert steady_figures.stars == bursty_figures.stars
    assert steady_figures.spike_days == ()
    assert bursty_figures.counted_short <= steady_figures.counted_short
    steady_score = score_project(steady_figures, as_of=AS_OF, params=PARAMS)
    bursty_score = score_project(bursty_figures, as_of=AS_OF, params=PARAMS)
    assert bursty_score.score <= steady_score.score
    # With equal scores and stars, the name decides: never the spike.
    assert ranking_key(score=bursty_score.score, stars=bursty_figures.stars, name="b") >= ranking_key(
        score=steady_score.score, stars=steady_figures.stars, name="a"
    )


def test_a_capped_spike_ranks_strictly_below_the_steady_grower():
    bursty = figures_from_samples(history([10] * 20 + [2_000]), as_of=AS_OF, params=PARAMS)
    steady = figures_from_samples(history([105] * 16 + [104] * 5), as_of=AS_OF, params=PARAMS)
    assert bursty.stars == steady.stars and bursty.gained_short == steady.gained_short
    assert (
        score_project(bursty, as_of=AS_OF, params=PARAMS).score
        < score_project(steady, as_of=AS_OF, params=PARAMS).score
    )
