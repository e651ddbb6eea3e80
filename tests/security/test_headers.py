import pytest
from django.urls import include, path

pytestmark = pytest.mark.django_db

PUBLIC_URLS = ["/", "/rankings/", "/feed/", "/api/rankings/current/", "/api/docs/", "/healthz", "/admin/login/"]
# Every other kind of response: badge, JSON errors of the API, admin pages, error pages, static files.
MORE_URLS = [
    "/badge/detectron.svg",
    "/projects/detectron/",
    "/methodology/",
    "/rankings/compare/",
    "/api/",
    "/api/projects/",
    "/api/schema/",
    "/api/projects/?status=nonsense",  # 400
    "/api/projects/no-such-project/",  # 404
    "/api/nothing-here/",  # the API's own 404
    "/rankings/?page=x",  # the 400 page
    "/admin/",  # redirect to the login page
    "/admin/login/?next=/admin/",
    "/livez",
]


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", _boom), path("", include("mltop.urls"))]


def _csp(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = (part.strip().split() for part in policy.split(";") if part.strip())
    return {d[0]: d[1:] for d in directives}


@pytest.mark.parametrize("url", PUBLIC_URLS + MORE_URLS)
def test_every_response_carries_the_security_headers(client, seeded, url):
    response = client.get(url)
    _assert_security_headers(response)


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/projects/project/", "/admin/projects/project/add/", "/admin/rankings/rankingsnapshot/"]
)
def test_admin_pages_carry_them(staff_client, seeded, url):
    response = staff_client.get(url)
    assert response.status_code == 200
    _assert_security_headers(response)


def test_an_api_post_refused_carries_them(client, seeded):
    response = client.post("/api/projects/", {}, content_type="application/json")
    assert response.status_code == 401
    _assert_security_headers(response)


def test_static_files_are_never_sniffed(client):
    # WhiteNoise answers before the framing and CSP middleware: neither applies to a stylesheet,
    # but the type must not be sniffed (a file served as CSS is never run as a script).
    response = client.get("/static/css/mltop.css")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.urls("tests.security.test_headers")
def test_the_500_page_carries_them(client, seeded):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "a bug" not in response.content.decode()  # no traceback, no detail
    _assert_security_headers(response)


def _assert_security_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = _csp(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]


def test_not_found_pages_carry_them_too(client):
    response = client.get("/projects/nothing-here/")
    assert response.status_code == 404
    assert "'unsafe-inline'" not in _csp(response)["script-src"]


def test_no_hsts_over_plain_http_by_default(client, seeded):
    assert "Strict-Transport-Security" not in client.get("/")


def test_hsts_and_redirect_when_served_over_https(settings, client, seeded):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    assert client.get("/").status_code == 301
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
