import pytest

pytestmark = pytest.mark.django_db

PUBLIC_URLS = ["/", "/rankings/", "/feed/", "/api/rankings/current/", "/api/docs/", "/healthz", "/admin/login/"]


def _csp(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = (part.strip().split() for part in policy.split(";") if part.strip())
    return {d[0]: d[1:] for d in directives}


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_every_response_carries_the_security_headers(client, seeded, url):
    response = client.get(url)
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
