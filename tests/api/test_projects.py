import datetime as dt

import pytest
from django.utils import timezone
from django.utils.http import http_date

from projects.models import Project

from .conftest import make_credited_projects, make_published_snapshot

pytestmark = pytest.mark.django_db


def _slugs(response):
    assert response.status_code == 200, response.content
    return [p["slug"] for p in response.json()["results"]]


def test_detail_has_repository_facts_figures_and_credits(api_client, seeded):
    body = api_client.get("/api/projects/psychlab/").json()
    assert body["full_name"] == "deepmind/lab"
    assert body["sub_path"] == "game_scripts/levels/contributed/psychlab"
    assert body["html_url"] == "https://github.com/deepmind/lab/tree/HEAD/game_scripts/levels/contributed/psychlab"
    assert body["stars"] == 4774 and body["status"] == "tracked"
    assert body["missing"] is False and body["archived"] is False and body["fetch_error"] == ""
    for key in ("forks", "watchers", "open_issues", "last_fetched_at", "description", "topics", "paper_urls"):
        assert key in body
    assert body["authors"][0]["slug"] == "charles-beattie" and body["authors_et_al"] is True


def test_detail_reports_missing_and_fetch_errors(api_client, project_factory):
    project = project_factory(missing_since=timezone.now(), fetch_error="404 from GitHub", forks=3, open_issues=7)
    body = api_client.get(f"/api/projects/{project.slug}/").json()
    assert (body["missing"], body["fetch_error"], body["forks"], body["open_issues"]) == (True, "404 from GitHub", 3, 7)


def test_unknown_slug_is_json_404(api_client, db):
    response = api_client.get("/api/projects/no-such-project/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Project matches the given query."}


def test_list_filters(editor_client, project_factory, authorship_factory, topic_factory):
    api_client = editor_client  # candidates are for editors
    vision = topic_factory(slug="vision")
    a = project_factory(name="Alpha detector", status=Project.Status.TRACKED)
    b = project_factory(name="Beta", status=Project.Status.CANDIDATE, archived=True, description="A GAN for faces")
    c = project_factory(name="Gamma", status=Project.Status.EXCLUDED, repo_owner="deepmind", repo_name="lab")
    a.topics.add(vision)
    author = authorship_factory(project=b).author
    assert _slugs(api_client.get("/api/projects/?status=candidate")) == [b.slug]
    assert _slugs(api_client.get("/api/projects/?topic=vision")) == [a.slug]
    assert _slugs(api_client.get(f"/api/projects/?author={author.slug}")) == [b.slug]
    assert _slugs(api_client.get("/api/projects/?archived=true")) == [b.slug]
    assert _slugs(api_client.get("/api/projects/?archived=false")) == [a.slug, c.slug]
    assert _slugs(api_client.get("/api/projects/?q=detector")) == [a.slug]
    assert _slugs(api_client.get("/api/projects/?q=gan+faces")) == [b.slug]
    assert _slugs(api_client.get("/api/projects/?q=deepmind/lab")) == [c.slug]


def test_list_orders_by_stars_growth_and_name_with_unfetched_last(api_client, project_factory):
    a = project_factory(name="A", stars=10, stars_gained_30d=5)
    b = project_factory(name="B", stars=30, stars_gained_30d=1)
    c = project_factory(name="C", stars=None, stars_gained_30d=None)
    assert _slugs(api_client.get("/api/projects/?ordering=-stars")) == [b.slug, a.slug, c.slug]
    assert _slugs(api_client.get("/api/projects/?ordering=stars")) == [a.slug, b.slug, c.slug]
    assert _slugs(api_client.get("/api/projects/?ordering=-growth_30d")) == [a.slug, b.slug, c.slug]
    assert _slugs(api_client.get("/api/projects/?ordering=-name")) == [c.slug, b.slug, a.slug]
    assert _slugs(api_client.get("/api/projects/")) == [a.slug, b.slug, c.slug]


@pytest.mark.parametrize("query", ["ordering=forks", "ordering=-", "status=gone", "archived=maybe", "page=0"])
def test_list_rejects_bad_parameters_with_400(api_client, db, query):
    response = api_client.get(f"/api/projects/?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize("ordering", ["stars,", ",", "stars,,name", ",-name"])
def test_an_empty_item_in_the_ordering_is_a_json_400(api_client, project_factory, ordering):
    project_factory()
    response = api_client.get(f"/api/projects/?ordering={ordering}")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["errors"]["ordering"] == [
        f"Leave no item empty in {ordering!r}: name fields separated by commas."
    ]


def test_list_sends_the_newest_date_of_its_page_as_last_modified(
    api_client, project_factory, django_assert_num_queries
):
    """Additions and fetches of the rows shown, read from the rows already loaded: no query more."""
    newest = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)
    project_factory(last_fetched_at=newest - dt.timedelta(days=2))
    project_factory(last_fetched_at=newest)
    Project.objects.update(added_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    with django_assert_num_queries(3):  # page, credits + authors, topics (no count: keyset pages)
        response = api_client.get("/api/projects/")
    assert response["Last-Modified"] == http_date(newest.timestamp())
    not_modified = api_client.get("/api/projects/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert not_modified.status_code == 304
    assert api_client.get("/api/projects/", HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200
    assert "Last-Modified" not in api_client.get("/api/projects/?q=nothing-matches")


@pytest.mark.parametrize("n", [2, 15])
def test_list_runs_four_queries_whatever_the_page_size(api_client, django_assert_num_queries, n):
    make_credited_projects(n)
    with django_assert_num_queries(3):  # page, credits + authors, topics (no count: keyset pages)
        body = api_client.get("/api/projects/?page_size=100").json()
    assert len(body["results"]) == n and all(len(p["authors"]) == 2 for p in body["results"])


@pytest.mark.parametrize("authors", [1, 8])
def test_detail_runs_three_queries_whatever_the_credits(api_client, django_assert_num_queries, authors):
    (project,) = make_credited_projects(1, authors_each=authors, topics_each=authors)
    with django_assert_num_queries(3):  # project, credits + authors, topics
        body = api_client.get(f"/api/projects/{project.slug}/").json()
    assert len(body["authors"]) == authors and len(body["topics"]) == authors


@pytest.fixture
def history(project_factory, stats_sample_factory):
    """Daily samples over January and February 2024 (stars grow by 10 a day)."""
    project = project_factory()
    start = dt.date(2024, 1, 1)
    for day in range(60):
        captured_on = start + dt.timedelta(days=day)
        stats_sample_factory(project=project, captured_on=captured_on, stars=100 + 10 * day, forks=day)
    return project


def test_stats_by_day_week_and_month_aggregate_in_the_database(api_client, history, django_assert_num_queries):
    url = f"/api/projects/{history.slug}/stats/"
    with django_assert_num_queries(2):  # project, grouped samples
        months = api_client.get(f"{url}?interval=month").json()
    assert [(p["period"], p["stars"], p["samples"]) for p in months["points"]] == [
        ("2024-01-01", 400, 31),
        ("2024-02-01", 690, 29),
    ]
    weeks = api_client.get(f"{url}?interval=week&since=2024-01-01&until=2024-01-14").json()["points"]
    assert [(p["period"], p["stars"], p["forks"], p["samples"]) for p in weeks] == [
        ("2024-01-01", 160, 6, 7),  # 2024-01-01 is a Monday
        ("2024-01-08", 230, 13, 7),
    ]
    days = api_client.get(f"{url}?since=2024-02-28").json()
    assert days["interval"] == "day" and days["since"] == "2024-02-28" and days["until"] is None
    assert [p["period"] for p in days["points"]] == ["2024-02-28", "2024-02-29"]


@pytest.mark.parametrize("days", [5, 60])
def test_stats_query_count_is_fixed(api_client, project_factory, stats_sample_factory, django_assert_num_queries, days):
    project = project_factory()
    for day in range(days):
        stats_sample_factory(project=project, captured_on=dt.date(2024, 1, 1) + dt.timedelta(days=day))
    with django_assert_num_queries(2):
        points = api_client.get(f"/api/projects/{project.slug}/stats/").json()["points"]
    assert len(points) == days


@pytest.mark.parametrize(
    "query",
    ["interval=year", "interval=", "since=2024-02-30", "until=", "until=soon", "since=2024-03-01&until=2024-02-01"],
)
def test_stats_rejects_bad_dates_and_intervals(api_client, history, query):
    response = api_client.get(f"/api/projects/{history.slug}/stats/?{query}")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_ranks_lists_the_project_in_each_published_snapshot(api_client, jan_feb, ranking_entry_factory):
    ranking_entry_factory(project=jan_feb["a"], rank=1)  # in a draft: not shown
    body = api_client.get(f"/api/projects/{jan_feb['a'].slug}/ranks/").json()
    assert [(r["snapshot"]["id"], r["rank"], r["previous_rank"]) for r in body] == [
        (jan_feb["january"].pk, 1, None),
        (jan_feb["february"].pk, 3, 1),
    ]


@pytest.mark.parametrize("n", [1, 10])
def test_ranks_runs_two_queries(api_client, project_factory, django_assert_num_queries, n):
    project = project_factory()
    for month in range(1, n + 1):
        make_published_snapshot(taken_at=dt.datetime(2023, month, 1, tzinfo=dt.UTC), projects=[project])
    with django_assert_num_queries(2):
        assert len(api_client.get(f"/api/projects/{project.slug}/ranks/").json()) == n


def test_project_responses_have_validators_and_answer_304(api_client, project_factory):
    project = project_factory(last_fetched_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    url = f"/api/projects/{project.slug}/"
    first = api_client.get(url)
    assert first["Cache-Control"].startswith("public")
    assert api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert api_client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    Project.objects.filter(pk=project.pk).update(stars=5000)
    assert api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_authors_list_and_detail_with_projects(api_client, seeded, django_assert_num_queries):
    with django_assert_num_queries(2):  # count, page (project counts annotated)
        body = api_client.get("/api/authors/?kind=organization").json()
    assert {a["slug"] for a in body["results"]} >= {"facebook-ai-research", "deepmind"}
    with django_assert_num_queries(2):  # author, projects
        author = api_client.get("/api/authors/charles-beattie/").json()
    assert [p["slug"] for p in author["projects"]] == ["psychlab"] and author["project_count"] == 1
    assert api_client.get("/api/authors/nobody/").status_code == 404


@pytest.mark.parametrize("n", [1, 12])
def test_author_queries_are_fixed(api_client, author_factory, authorship_factory, django_assert_num_queries, n):
    author = author_factory()
    for _ in range(n):
        authorship_factory(author=author)
    with django_assert_num_queries(2):
        assert len(api_client.get(f"/api/authors/{author.slug}/").json()["projects"]) == n
    with django_assert_num_queries(2):
        assert api_client.get("/api/authors/?page_size=100").json()["results"][0]["project_count"] == n


def test_candidates_are_for_editors_with_provenance_in_the_detail(
    api_client, editor_client, reader_client, project_factory, django_assert_num_queries
):
    from projects.models import DiscoveryRule

    rule = DiscoveryRule.objects.create(name="ML topics", topics=["llm"])
    candidate = project_factory(
        status=Project.Status.CANDIDATE,
        discovered_by=rule,
        discovered_query="topic:llm stars:>=20 created:2024-05-01..2024-05-31",
        discovered_at=timezone.now(),
        discovered_stars=321,
        stars_per_day=12.5,
    )
    tracked = project_factory(status=Project.Status.TRACKED)
    for client in (api_client, reader_client):
        assert _slugs(client.get("/api/projects/?status=candidate")) == []
        assert _slugs(client.get("/api/projects/")) == [tracked.slug]
        assert client.get(f"/api/projects/{candidate.slug}/").status_code == 404
    assert _slugs(editor_client.get("/api/projects/?status=candidate")) == [candidate.slug]
    with django_assert_num_queries(6):  # token, user permissions (2), project + rule, credits, topics
        body = editor_client.get(f"/api/projects/{candidate.slug}/").json()
    assert body["status"] == "candidate"
    assert body["provenance"]["rule"] == "ML topics" and body["provenance"]["stars_when_found"] == 321
    assert body["provenance"]["query"].startswith("topic:llm")
    assert api_client.get(f"/api/projects/{tracked.slug}/").json()["provenance"] is None
