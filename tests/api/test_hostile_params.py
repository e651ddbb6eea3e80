"""Every documented parameter of every read endpoint, fed hostile values one at a time.

Schemathesis (test_schemathesis.py) checks the API against its schema with mostly
well-formed values; here each parameter alone gets what an attacker or a broken client
sends: markup, SQL, NUL bytes, huge numbers, long strings, odd Unicode. The API must answer
200, 400 or 404, never a 5xx, and every error is JSON with a ``detail`` sentence.
"""

from urllib.parse import quote

import pytest
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import Project

pytestmark = pytest.mark.django_db

# Path -> its documented parameters (path parameters in braces are filled with real values).
DOCUMENTED = {
    "/api/authors/": ["kind", "page", "page_size", "q"],
    "/api/authors/{slug}/": ["slug"],
    "/api/projects/": ["archived", "author", "cursor", "ordering", "page_size", "q", "status", "topic"],
    "/api/projects/{slug}/": ["slug"],
    "/api/projects/{slug}/ranks/": ["slug"],
    "/api/projects/{slug}/stats/": ["interval", "since", "slug", "until"],
    "/api/rankings/": ["board", "category", "origin", "page", "page_size", "period", "since", "until"],
    "/api/rankings/{id}/": ["id"],
    "/api/rankings/compare/": ["a", "b"],
    "/api/rankings/current/": [],
    "/api/categories/": ["page", "page_size"],
    "/api/categories/{slug}/": ["slug"],
}
CASES = [(path, name) for path, names in DOCUMENTED.items() for name in names]

SQL = [
    "' OR '1'='1",
    "1; DROP TABLE projects_project; --",
    "1 UNION SELECT username, password FROM auth_user --",
    "%' OR 1=1 --",
    "\\'; SELECT pg_sleep(5); --",
    "1) OR (1=1",
]
hostile = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=80),
    st.sampled_from(
        [
            *SQL,
            "<script>alert(1)</script>",
            "\x00",
            "detectron\x00",
            "",
            " ",
            "-1",
            "0",
            "-0",
            "1e309",
            "NaN",
            "Infinity",
            "9" * 40,
            "9" * 5000,
            "¹",
            "٣",
            "-" + "9" * 40,
            "2147483648",
            "9223372036854775808",
            "2024-02-30",
            "0000-00-00",
            "9999-12-31",
            "true,false",
            "stars,-stars,name,-name,growth_30d",
            "--stars",
            "x" * 5000,
            "../../etc/passwd",
            "%00",
            "%2e%2e%2f",
            "\u202e\u200b\ufeff",
            "😀" * 50,
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def _documented_by_the_schema() -> dict[str, list[str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        path: sorted(p["name"] for p in ops["get"].get("parameters", []))
        for path, ops in schema["paths"].items()
        if "get" in ops
    }


def test_every_documented_parameter_is_fuzzed():
    assert _documented_by_the_schema() == {path: sorted(names) for path, names in DOCUMENTED.items()}


@pytest.fixture
def api(client, seeded, settings):
    settings.API_ANON_THROTTLE_RATE = ""  # hundreds of requests from one client; throttling has its own test
    client.real = {"slug": "detectron", "id": str(seeded.pk)}  # path values that name real objects
    return client


def _url(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace(f"{{{name}}}", quote(value, safe=""))
    return path


def _assert_answered(response):
    assert response.status_code in (200, 400, 404), (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    body = response.json()
    if response.status_code != 200:
        assert isinstance(body["detail"], str) and body["detail"]


@pytest.mark.parametrize(("path", "name"), CASES, ids=[f"{p}?{n}" for p, n in CASES])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=hostile)
def test_a_hostile_value_gets_a_json_answer_never_a_5xx(api, path, name, value):
    if f"{{{name}}}" in path:
        response = api.get(_url(path, {**api.real, name: value}))
    else:
        query = {"a": api.real["id"], "b": api.real["id"]} if path.endswith("compare/") else {}
        query[name] = value
        response = api.get(_url(path, api.real), query)
    _assert_answered(response)


@pytest.mark.parametrize("text", SQL)
@pytest.mark.parametrize("url", ["/api/projects/", "/api/authors/"])
def test_sql_in_a_search_is_just_text(api, url, text):
    response = api.get(url, {"q": text})
    assert response.status_code == 200
    assert response.json()["results"] == []  # nothing in the catalogue contains it: nothing matched
    assert Project.objects.count() == 10  # and nothing was dropped


@pytest.mark.parametrize("text", SQL)
def test_a_project_named_like_sql_is_found_by_its_name(api, project_factory, text):
    project = project_factory(name=f"Robert {text}", slug="robert")
    found = api.get("/api/projects/", {"q": text}).json()
    assert [p["slug"] for p in found["results"]] == [project.slug]
    assert api.get("/api/projects/", {"topic": text, "author": text}).json()["results"] == []


@pytest.mark.parametrize("text", SQL)
def test_sql_in_the_admin_search_is_just_text(staff_client, seeded, text):
    for url in ("/admin/projects/project/", "/admin/projects/author/", "/admin/rankings/rankingsnapshot/"):
        response = staff_client.get(url, {"q": text})
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0
    assert Project.objects.count() == 10
