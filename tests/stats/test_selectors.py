import datetime as dt

import pytest

from stats.selectors import project_stats_series

pytestmark = pytest.mark.django_db


def test_stats_series_groups_by_month_in_one_query(project_factory, stats_sample_factory, django_assert_num_queries):
    project = project_factory()
    for day, stars in [(dt.date(2024, 1, 5), 10), (dt.date(2024, 1, 20), 30), (dt.date(2024, 3, 1), 50)]:
        stats_sample_factory(project=project, captured_on=day, stars=stars, open_issues=stars // 10)
    stats_sample_factory(captured_on=dt.date(2024, 1, 6), stars=999)  # another project's sample
    with django_assert_num_queries(1):
        points = project_stats_series(project=project, interval="month")
    assert [(p["period"], p["stars"], p["open_issues"], p["samples"]) for p in points] == [
        (dt.date(2024, 1, 1), 30, 3, 2),
        (dt.date(2024, 3, 1), 50, 5, 1),
    ]


def test_stats_series_bounds_are_inclusive(project_factory, stats_sample_factory):
    project = project_factory()
    for day in range(1, 6):
        stats_sample_factory(project=project, captured_on=dt.date(2024, 1, day))
    points = project_stats_series(project=project, interval="day", since=dt.date(2024, 1, 2), until=dt.date(2024, 1, 4))
    assert [p["period"] for p in points] == [dt.date(2024, 1, 2), dt.date(2024, 1, 3), dt.date(2024, 1, 4)]
