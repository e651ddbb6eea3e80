"""The interactive API docs in a real browser: Swagger UI from our own static files, no CDN."""

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_docs_render_every_operation_from_local_files(live_server, browser_page, settings):
    settings.API_ANON_THROTTLE_RATE = ""
    origin = urlsplit(live_server.url).netloc
    requested = []
    browser_page.on("request", lambda request: requested.append(request.url))
    browser_page.goto(f"{live_server.url}/api/docs/")
    browser_page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = set(browser_page.locator(".opblock-summary-path").all_inner_texts())
    assert {"/api/rankings/current/", "/api/projects/{slug}/stats/", "/api/authors/{slug}/"} <= {
        p.replace("\u200b", "") for p in paths
    }
    assert browser_page.locator(".opblock").count() == 16
    assert any(url.endswith("/swagger-ui-bundle.js") for url in requested)
    assert any("/api/schema/" in url for url in requested)
    assert all(urlsplit(url).netloc == origin for url in requested if url.startswith("http")), requested
