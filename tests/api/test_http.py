"""HTTP behaviour shared by every endpoint: paging, errors, throttling, CORS, docs."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_pagination_links_and_the_maximum_page_size(api_client, author_factory, settings):
    # Lists other than the catalogue keep page numbers (tests/api/test_keyset.py: the catalogue's cursors).
    settings.API_MAX_PAGE_SIZE = 4
    author_factory.create_batch(9)
    first = api_client.get("/api/authors/?page_size=3").json()
    assert first["count"] == 9 and len(first["results"]) == 3 and first["previous"] is None
    assert first["next"] == "http://testserver/api/authors/?page=2&page_size=3"
    second = api_client.get(first["next"]).json()
    assert second["previous"] == "http://testserver/api/authors/?page_size=3"
    capped = api_client.get("/api/authors/?page_size=1000").json()
    assert len(capped["results"]) == 4


@pytest.mark.parametrize("path", ["/api/authors/", "/api/projects/"])
def test_a_list_holds_twenty_items_a_page_unless_the_client_asks(api_client, author_factory, project_factory, path):
    author_factory.create_batch(21)
    project_factory.create_batch(21)
    first = api_client.get(path).json()
    assert len(first["results"]) == 20 and first["next"].startswith(f"http://testserver{path}?")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=abc", "Page must be a whole number"),
        ("page=-1", "Page must be a whole number"),
        ("page=99", "Page 99 does not exist"),
        ("page_size=0", "Page size must be a whole number"),
        ("page_size=ten", "Page size must be a whole number"),
    ],
)
def test_bad_pages_are_400_with_a_message(api_client, author_factory, query, message):
    author_factory()
    response = api_client.get(f"/api/authors/?{query}")
    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/nothing-here/", "/api/projects/a/b/c/", "/api/rankings/1/entries/"])
def test_unknown_api_paths_are_json_404s(api_client, path):
    response = api_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": f"No API endpoint at {path}."}


def test_pages_outside_the_api_keep_the_html_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and not response["Content-Type"].startswith("application/json")


def test_missing_trailing_slash_redirects(api_client, db):
    response = api_client.get("/api/projects")
    assert response.status_code == 301 and response["Location"] == "/api/projects/"


def test_a_browser_gets_json_errors_too(client, db):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/api/projects/?page=x", HTTP_ACCEPT=accept)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"


def test_an_unacceptable_format_is_406(api_client, db):
    response = api_client.get("/api/projects/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
    assert "Could not satisfy the request Accept header" in response.json()["detail"]


def test_anonymous_clients_are_throttled_with_retry_after(api_client, db, settings):
    settings.API_ANON_THROTTLE_RATE = "3/minute"
    statuses = [api_client.get("/api/projects/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api_client.get("/api/projects/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"]


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(api_client, db, settings):
    settings.API_ANON_THROTTLE_RATE = "2/minute"
    statuses = [api_client.get("/api/projects/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_throttling_can_be_switched_off(api_client, db, settings):
    settings.API_ANON_THROTTLE_RATE = ""
    assert {api_client.get("/api/authors/").status_code for _ in range(5)} == {200}


def test_editors_are_not_held_by_the_anonymous_rate(editor_client, settings):
    settings.API_ANON_THROTTLE_RATE = "1/minute"
    assert {editor_client.get("/api/projects/").status_code for _ in range(3)} == {200}


def test_public_responses_do_not_vary_on_cookies(api_client, jan_feb):
    response = api_client.get(f"/api/rankings/{jan_feb['january'].pk}/")
    assert "Cookie" not in response["Vary"] and "Accept" in response["Vary"]


def test_an_admin_session_does_not_authenticate_api_writes(client, staff_user):
    client.force_login(staff_user)
    response = client.post("/api/projects/", {"url": "https://github.com/a/b"}, content_type="application/json")
    assert response.status_code == 401


def test_authenticated_responses_are_private(editor_client, project_factory):
    project = project_factory()
    assert editor_client.get(f"/api/projects/{project.slug}/")["Cache-Control"] == "private, no-cache"


def test_cors_lets_browser_dashboards_read(api_client, db):
    response = api_client.get("/api/projects/", HTTP_ORIGIN="https://dashboard.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = api_client.options(
        "/api/projects/", HTTP_ORIGIN="https://dashboard.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_cors_is_only_for_the_api(client, db):
    response = client.get("/", HTTP_ORIGIN="https://dashboard.example")
    assert "Access-Control-Allow-Origin" not in response


def test_api_root_lists_the_resources(api_client, db):
    body = api_client.get("/api/").json()
    assert set(body) == {"rankings", "projects", "authors", "categories"}


def test_schema_is_valid_openapi_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    assert schema.startswith("openapi: 3.0.3")
    for path in (
        "/api/rankings/:",
        "/api/rankings/{id}/:",
        "/api/rankings/current/:",
        "/api/rankings/compare/:",
        "/api/rankings/{id}/publish/:",
        "/api/rankings/{id}/unpublish/:",
        "/api/projects/:",
        "/api/projects/{slug}/:",
        "/api/projects/{slug}/stats/:",
        "/api/projects/{slug}/ranks/:",
        "/api/authors/:",
        "/api/authors/{slug}/:",
    ):
        assert f"  {path}" in schema


def test_schema_endpoint_serves_json(api_client, db):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "MLTop API"
    operations = [(m, op) for item in schema["paths"].values() for m, op in item.items()]
    assert len(operations) == 16
    for method, operation in operations:
        assert operation["responses"]["default"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
        # Only writes need a token: reads declare no requirement ([{}]), which Swagger UI shows
        # without a lock, instead of "a token, or nothing", which it shows with one.
        expected = [{}] if method == "get" else [{"tokenAuth": []}]
        assert operation["security"] == expected, operation["operationId"]


def test_docs_ui_loads_only_local_assets(api_client, db):
    response = api_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in a for a in assets)
    # The page's own start-up script is served from /api/docs/?script= so that the
    # Content-Security-Policy can forbid inline scripts; everything else is a static file.
    static_assets = [a for a in assets if a != "/api/docs/?script="]
    assert len(static_assets) == len(assets) - 1, assets
    assert all(a.startswith("/static/") for a in static_assets), assets
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    for cdn in ("unpkg.com", "jsdelivr.net", "cdnjs.cloudflare.com"):  # where Swagger UI usually comes from
        assert cdn not in html
    for asset in static_assets:  # each one ships in an installed app, so collectstatic/whitenoise serve it locally
        assert finders.find(asset.removeprefix("/static/").split("?")[0]), asset


def test_unknown_api_paths_answer_json_even_to_a_post_with_a_stale_csrf_cookie(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True, HTTP_COOKIE="csrftoken=short")
    response = client.post("/api/rankings/null/publish/")
    assert response.status_code == 404 and response.json()["detail"].startswith("No API endpoint")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/rankings/99999999999999999999999/", 404),
        ("/api/rankings/compare/?a=99999999999999999999&b=1", 400),
        ("/api/projects/?page=99999999999999999999999", 400),
        ("/api/projects/?q=a%00b", 400),
        ("/api/projects/?topic=%00", 400),
        ("/api/projects/?q=" + "x" * 201, 400),
    ],
)
def test_extreme_input_gets_a_json_4xx_on_every_database(api_client, db, path, status):
    response = api_client.get(path)
    assert response.status_code == status
    assert response.json()["detail"]


def test_an_unexpected_error_under_the_api_is_a_json_500(db, monkeypatch):
    from django.test import Client

    from rankings.api.views import ProjectViewSet

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(ProjectViewSet, "list", broken)
    response = Client(raise_request_exception=False).get("/api/projects/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Server error: the API could not answer this request."}
    page = Client(raise_request_exception=False).get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_cors_lets_browser_clients_revalidate_with_etags_and_dates(api_client, db):
    preflight = api_client.options(
        "/api/projects/",
        HTTP_ORIGIN="https://dashboard.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match, if-modified-since",
    )
    assert preflight.status_code == 200
    allowed = {name.strip().lower() for name in preflight["Access-Control-Allow-Headers"].split(",")}
    assert {"if-none-match", "if-modified-since", "authorization", "accept"} <= allowed


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/projects/{slug}/"),
        ("delete", "/api/projects/{slug}/"),
        ("put", "/api/projects/{slug}/stats/"),
        ("post", "/api/rankings/"),
        ("put", "/api/rankings/current/"),
        ("post", "/api/authors/"),
    ],
)
def test_a_method_no_endpoint_offers_is_405_for_anonymous_clients_too(api_client, project_factory, method, path):
    """Not 401 first: there is nothing a token would unlock."""
    project = project_factory()
    response = getattr(api_client, method)(path.format(slug=project.slug), {}, format="json")
    assert response.status_code == 405 and "not allowed" in response.json()["detail"]
    assert method.upper() not in response["Allow"]
