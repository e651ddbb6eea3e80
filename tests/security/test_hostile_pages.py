"""Reader pages fed hostile query strings and paths: a page, a redirect, a 400 or a 404, never a 500."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

hostile = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=60),
    st.sampled_from(
        [
            "' OR '1'='1",
            "1; DROP TABLE rankings_rankingsnapshot; --",
            "<script>alert(1)</script>",
            "\x00",
            "-1",
            "0",
            "٣",
            "¹",
            "9" * 19,
            "9" * 5000,
            "9223372036854775808",
            "x" * 3000,
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
QUERY_CASES = [("/rankings/", "id"), ("/rankings/", "page"), ("/rankings/compare/", "a"), ("/rankings/compare/", "b")]
PATH_CASES = ["/projects/{}/", "/authors/{}/", "/badge/{}.svg", "/rankings/{}/"]
BOUNDED = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _assert_answered(response):
    assert response.status_code in (200, 301, 302, 400, 404), (response.status_code, response.content[:300])
    if response.status_code == 400:
        assert "text/html" in response["Content-Type"]
        assert b"<h1>" in response.content  # the 400 page, with its message


@pytest.mark.parametrize(("url", "name"), QUERY_CASES)
@BOUNDED
@given(value=hostile)
def test_a_hostile_query_parameter_never_breaks_a_page(client, seeded, url, name, value):
    query = {"a": seeded.pk, "b": seeded.pk} if url.endswith("compare/") else {}
    query[name] = value
    _assert_answered(client.get(url, query))


@pytest.mark.parametrize("pattern", PATH_CASES)
@BOUNDED
@given(value=hostile)
def test_a_hostile_path_never_breaks_a_page(client, seeded, pattern, value):
    _assert_answered(client.get(pattern.format(quote(value, safe=""))))


@pytest.mark.parametrize("value", ["9" * 19, "99999999999999999999", "9" * 5000])
def test_huge_snapshot_ids_are_not_found(client, seeded, value):
    assert client.get(f"/rankings/{value}/").status_code == 404
    assert client.get("/rankings/", {"id": value}).status_code == 302  # to the snapshot page, which is a 404
    assert client.get("/rankings/", {"page": value}).status_code == 404
    assert client.get("/rankings/compare/", {"a": value, "b": seeded.pk}).status_code == 404
