"""Project and author pages: history charts, breakdown, exact query counts."""

import re

import pytest

from tests import factories
from tests.builders import build_projects, build_rankings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("snapshots", "samples", "authors"), [(2, 2, 1), (12, 400, 6)])
def test_project_page_has_both_charts_in_six_queries(client, django_assert_num_queries, snapshots, samples, authors):
    projects, published = build_rankings(snapshots=snapshots, entries=10, samples=samples, authors=authors)
    project = projects[snapshots - 1]
    ranked_in = project.ranking_entries.count()
    assert ranked_in > 1
    with django_assert_num_queries(6):
        response = client.get(f"/projects/{project.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="chart" role="img" aria-labelledby="star-chart-t star-chart-d"' in html
    assert '<svg class="chart" role="img" aria-labelledby="rank-chart-t rank-chart-d"' in html
    assert f"Stars of {project.name} over time" in html
    rank_rows = re.findall(r'<td class="num">#(\d+)</td>', html)
    assert len(rank_rows) == ranked_in
    assert "Star history as a table" in html and "Rank history as a table" in html
    assert html.count('class="authors"') == 1 and html.count('href="/authors/') == authors
    with django_assert_num_queries(0):
        client.get(f"/projects/{project.slug}/")


def test_project_page_shows_the_current_rank_and_breakdown(client):
    projects, published = build_rankings(snapshots=2, entries=10)
    html = client.get(f"/projects/{projects[1].slug}/").content.decode()
    assert ">#1</a>" in html and published[-1].title in html
    assert '<details class="breakdown">' in html and "Momentum" in html
    left = client.get(f"/projects/{projects[0].slug}/").content.decode()
    assert "Not in the current ranking." in left


def test_project_page_without_history_says_so(client):
    (project,) = build_projects(1)
    html = client.get(f"/projects/{project.slug}/").content.decode()
    assert "No measurements yet." in html and "Not in any published ranking yet." in html
    assert "<svg" not in html.replace('src="/badge/', "")


def test_project_page_seed_has_one_measurement_and_no_score(client, seeded):
    html = client.get("/projects/detectron/").content.decode()
    assert "Only one measurement so far" in html
    assert "No score: an editorial list" in html
    assert 'aria-labelledby="rank-chart-t' in html


def test_excluded_project_shows_the_reason(client):
    project = factories.ProjectFactory(status="excluded", status_reason="Not machine learning.")
    html = client.get(f"/projects/{project.slug}/").content.decode()
    assert "Why it is excluded" in html and "Not machine learning." in html


def test_unknown_project_and_author_are_404(client):
    assert client.get("/projects/no-such/").status_code == 404
    assert client.get("/authors/no-such/").status_code == 404


@pytest.mark.parametrize("count", [1, 15])
def test_author_page_lists_projects_in_two_queries(client, django_assert_num_queries, count):
    author = factories.AuthorFactory(name="Ada")
    for _ in range(count):
        factories.AuthorshipFactory(author=author)
    with django_assert_num_queries(2):
        response = client.get(f"/authors/{author.slug}/")
    html = response.content.decode()
    assert html.count('<li><a href="/projects/') == count
