"""Stars gained over N days: one rule, the same in Python and SQL, used everywhere (issue 13, item 1)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from projects.models import Project
from stats.gains import GAIN_TOLERANCE_DAYS, gain_annotations, stars_gained
from stats.models import StatsSample

AS_OF = dt.date(2026, 11, 30)


def days_ago(n):
    return AS_OF - dt.timedelta(days=n)


@pytest.mark.parametrize(
    ("captures", "gain"),
    [
        ([(30, 100), (0, 400)], 300),
        ([(31, 100), (29, 150), (0, 400)], 300),  # the last on or before 30 days ago
        ([(29, 150), (28, 160), (0, 400)], 250),  # else the first after it
        ([(30 + GAIN_TOLERANCE_DAYS + 1, 100), (0, 400)], None),  # too old to stand for 30 days ago
        ([(2900, 11248), (0, 26311)], None),  # the 2018 seed capture: never a multi-year gain
        ([(0, 400)], None),  # one capture: unknown, never +0
        ([(30, 100), (GAIN_TOLERANCE_DAYS + 1, 400)], None),  # no recent capture
        ([(30, 500), (0, 450)], -50),  # unstars count
    ],
)
def test_the_rule(captures, gain):
    assert stars_gained([(days_ago(n), stars) for n, stars in captures], as_of=AS_OF, days=30) == gain


def test_a_repository_created_since_had_no_stars_then():
    captures = [(days_ago(6), 8000), (days_ago(0), 48000)]
    assert stars_gained(captures, as_of=AS_OF, days=30, created_on=days_ago(6)) == 48000
    assert stars_gained(captures, as_of=AS_OF, days=30, created_on=days_ago(400)) is None


@pytest.mark.django_db
@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(st.integers(0, 400), st.integers(0, 10_000), max_size=12),
    st.sampled_from([30, 365]),
    st.none() | st.integers(0, 500),
)
def test_the_database_applies_the_same_rule(captures, days, created_days_ago):
    StatsSample.objects.all().delete()
    Project.objects.all().delete()
    created = None if created_days_ago is None else days_ago(created_days_ago)
    project = Project.objects.create(
        name="P",
        slug="p",
        repo_owner="o",
        repo_name="p",
        repo_created_at=None if created is None else dt.datetime.combine(created, dt.time(12), tzinfo=dt.UTC),
    )
    StatsSample.objects.bulk_create(
        StatsSample(
            project=project,
            captured_on=days_ago(n),
            captured_at=dt.datetime.combine(days_ago(n), dt.time(), tzinfo=dt.UTC),
            stars=stars,
        )
        for n, stars in captures.items()
    )
    row = Project.objects.annotate(**gain_annotations("pk", as_of=AS_OF, days=days, name="gain")).get()
    expected = stars_gained(
        [(days_ago(n), stars) for n, stars in captures.items()], as_of=AS_OF, days=days, created_on=created
    )
    assert row.gain == expected


@pytest.mark.django_db
def test_after_seed_and_one_refresh_no_page_or_endpoint_invents_a_gain(seeded, fake_github, client):
    for project in Project.objects.all():
        fake_github.add_repo(project.full_name, stars=(project.stars or 0) + 15063)
    call_command("refresh_stats", "--sync", stdout=io.StringIO(), stderr=io.StringIO())
    home = client.get("/").content.decode()
    assert "+15,063" not in home and "+0 " not in home
    assert home.count("— <span>in 30 days</span>") == 10
    listing = client.get("/api/projects/?ordering=-growth_30d").json()["results"]
    assert {item["stars_gained_30d"] for item in listing} == {None}
    project_page = client.get("/projects/detectron/").content.decode()
    assert "(— in 30 days)" in project_page
