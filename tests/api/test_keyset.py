"""The catalogue's cursor (keyset) pages: every order, NULLs and ties, forwards and back, fixed queries."""

import base64
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Project

pytestmark = pytest.mark.django_db

# Stars with ties and projects never fetched (NULL); growth NULL where unknown.
STARS = [5, None, 7, 5, 5, None, 9, 0, 7, None, 5, 12, None]
GROWTH = [None, 3, 3, -1, None, 0, 3, None, 8, None, 2, 3, 1]


@pytest.fixture
def catalogue(project_factory):
    return [
        project_factory(name=f"Project {'BADCFEHGJILKM'[i]}", stars=stars, stars_gained_30d=growth)
        for i, (stars, growth) in enumerate(zip(STARS, GROWTH, strict=True))
    ]


def expected(projects, ordering: str) -> list[str]:
    """The order the API promises: each field ascending or descending, NULLs last, then id."""

    def key(project):
        parts = []
        for item in ordering.split(","):
            field = {"stars": "stars", "growth_30d": "stars_gained_30d", "name": "name"}[item.lstrip("-")]
            value = getattr(project, field)
            parts.append((value is None, value if value is None or not item.startswith("-") else Reverse(value)))
        return (*parts, project.pk)

    return [p.slug for p in sorted(projects, key=key)]


class Reverse:
    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        return self.value > other.value

    def __eq__(self, other):
        return self.value == other.value


def walk(api_client, url: str, link: str = "next") -> list[list[str]]:
    pages = []
    while url:
        body = api_client.get(url).json()
        assert "count" not in body
        pages.append([p["slug"] for p in body["results"]])
        url = body[link]
    return pages


ORDERINGS = ["-stars", "stars", "-growth_30d", "growth_30d", "name", "-name", "-stars,name", "growth_30d,-stars"]


@pytest.mark.parametrize("ordering", ORDERINGS)
@pytest.mark.parametrize("size", [1, 4])
def test_pages_forward_then_back_cover_every_project_once_in_order(api_client, catalogue, ordering, size):
    pages = walk(api_client, f"/api/projects/?ordering={ordering}&page_size={size}")
    assert [slug for page in pages for slug in page] == expected(catalogue, ordering)
    assert all(len(page) == size for page in pages[:-1]) and 1 <= len(pages[-1]) <= size
    # From the last page, "previous" links lead back through the same pages to the first.
    last = api_client.get(f"/api/projects/?ordering={ordering}&page_size={size}")
    url = last.json()["next"]
    while url:
        body = api_client.get(url).json()
        url, previous = body["next"], body["previous"]
    back = walk(api_client, previous, link="previous") if previous else []
    assert list(reversed(back)) == pages[:-1]


def test_the_default_order_is_by_name_and_filters_hold_across_pages(api_client, catalogue):
    pages = walk(api_client, "/api/projects/?page_size=2&q=project")
    assert [slug for page in pages for slug in page] == expected(catalogue, "name")
    pages = walk(api_client, "/api/projects/?page_size=2&ordering=-stars&archived=false")
    assert [slug for page in pages for slug in page] == expected(catalogue, "-stars")


def test_a_page_deep_in_the_list_runs_the_queries_of_the_first_with_no_count_or_offset(api_client, catalogue):
    first = api_client.get("/api/projects/?ordering=-stars&page_size=2").json()
    second = api_client.get(first["next"]).json()  # 7, 7
    with CaptureQueriesContext(connection) as queries:
        body = api_client.get(second["next"]).json()  # 5, 5: all non-NULL, one read
    assert len(body["results"]) == 2
    assert len(queries) == 3  # page, credits + authors, topics
    page_sql = queries[0]["sql"].upper()
    assert "COUNT(" not in page_sql and "OFFSET" not in page_sql


def test_a_page_that_reaches_the_null_stars_reads_them_in_a_second_query(api_client, catalogue):
    # -stars: 12, 9, 7, 7, 5, 5, 5, 5, 0, then four never fetched.
    eighth = api_client.get("/api/projects/?ordering=-stars&page_size=8").json()
    with CaptureQueriesContext(connection) as queries:
        body = api_client.get(eighth["next"]).json()
    assert [p["stars"] for p in body["results"]] == [0, None, None, None, None]
    assert len(queries) == 4  # non-NULL rows, NULL rows, credits + authors, topics
    assert body["next"] is None


def test_page_numbers_are_refused_naming_the_cursor(api_client, catalogue):
    response = api_client.get("/api/projects/?ordering=-stars&page=3")
    assert response.status_code == 400
    assert response.json()["detail"] == "page: This list pages by cursor: follow the “next” and “previous” links."


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(json.dumps({"o": "-stars,pk", "p": [5], "b": False}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"o": "-stars,pk", "p": [5, "x"], "b": False}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"o": "-stars,pk", "p": [[5], 1], "b": False}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"o": "-stars,pk", "p": [5, 1], "b": "yes"}).encode()).decode(),
        # Values the columns cannot hold: the database would refuse them with a 500.
        base64.urlsafe_b64encode(json.dumps({"o": "-stars,pk", "p": ["5", 1], "b": False}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"o": "-stars,pk", "p": [2**70, 1], "b": False}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"o": "-stars,pk", "p": [True, 1], "b": False}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"o": "-stars,pk", "p": [5, None], "b": False}).encode()).decode(),
    ],
)
def test_a_cursor_that_is_not_one_is_a_400(api_client, catalogue, cursor):
    response = api_client.get("/api/projects/", {"ordering": "-stars", "cursor": cursor})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["errors"]["cursor"] == [
        "Not a cursor of this list (unreadable): follow the “next” and “previous” links."
    ]


def test_text_in_a_cursor_is_bounded_and_holds_no_nul(api_client, catalogue):
    for name in ["x" * 1001, "Project\x00"]:
        raw = json.dumps({"o": "name,pk", "p": [name, 1], "b": False}).encode()
        response = api_client.get("/api/projects/", {"cursor": base64.urlsafe_b64encode(raw).decode()})
        assert response.status_code == 400 and "cursor" in response.json()["errors"]


def test_a_cursor_of_another_order_is_a_400(api_client, catalogue):
    by_stars = api_client.get("/api/projects/?ordering=-stars&page_size=2").json()["next"]
    cursor = by_stars.split("cursor=")[1].split("&")[0]
    response = api_client.get(f"/api/projects/?ordering=name&cursor={cursor}")
    assert response.status_code == 400
    assert "made for another ordering" in response.json()["detail"]


def test_a_page_size_is_kept_in_the_links(api_client, catalogue):
    body = api_client.get("/api/projects/?page_size=5").json()
    assert len(body["results"]) == 5 and "page_size=5" in body["next"] and body["previous"] is None
    assert Project.objects.count() == len(STARS)
