"""Dates in query strings: one form (YYYY-MM-DD) and one wording for every date parameter."""

import pytest

pytestmark = pytest.mark.django_db

DATE_PARAMETERS = [
    ("/api/rankings/", "since"),
    ("/api/rankings/", "until"),
    ("/api/projects/{slug}/stats/", "since"),
    ("/api/projects/{slug}/stats/", "until"),
]


@pytest.mark.parametrize(("path", "name"), DATE_PARAMETERS)
@pytest.mark.parametrize("value", ["20261001", "2026-1-1", "2026-W40-1", "2026-02-30", "yesterday", "2026-10-01T00:00"])
def test_a_date_that_is_not_yyyy_mm_dd_is_400_with_one_wording(api_client, project_factory, path, name, value):
    project = project_factory()
    response = api_client.get(path.format(slug=project.slug), {name: value})
    assert response.status_code == 400, response.json()
    assert response.json()["errors"] == {name: [f"Enter a date as YYYY-MM-DD, such as 2018-02-01 (got {value!r})."]}


@pytest.mark.parametrize(("path", "name"), DATE_PARAMETERS)
def test_an_empty_date_is_400_with_one_wording(api_client, project_factory, path, name):
    project = project_factory()
    response = api_client.get(path.format(slug=project.slug), {name: ""})
    assert response.status_code == 400
    assert response.json()["errors"] == {name: ["This parameter cannot be empty; leave it out instead."]}


@pytest.mark.parametrize(("path", "name"), DATE_PARAMETERS)
def test_a_yyyy_mm_dd_date_is_accepted(api_client, project_factory, path, name):
    project = project_factory()
    assert api_client.get(path.format(slug=project.slug), {name: "2026-10-01"}).status_code == 200
