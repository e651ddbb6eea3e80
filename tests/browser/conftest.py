"""Playwright driving Debian's Chromium against pytest-django's live server."""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.fixture(scope="module")
def _sync_playwright_allows_django_orm():
    """Playwright's sync API keeps an asyncio loop registered on the test thread between calls,
    and Django then refuses every ORM call from that thread (fixtures, the live server's
    database flush) as if it were async code. The calls are in fact synchronous, and the live
    server answers requests on its own thread, so Django's guard is lifted for these tests only."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_sync_playwright_allows_django_orm):
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM) or os.path.exists(CHROMIUM), "install Debian's chromium (.ci/run does)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


class PageProblems:
    """Console errors, failed requests and error responses seen by a page."""

    def __init__(self, page, base_url: str):
        self.errors: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("requestfailed", lambda req: self.errors.append(f"failed: {req.url} {req.failure}"))
        page.on(
            "response",
            lambda resp: resp.status >= 400 and self.errors.append(f"HTTP {resp.status}: {resp.url}"),
        )


@pytest.fixture
def open_page(browser, live_server):
    """A function opening a new page at a viewport width (and language), recording its problems."""
    contexts, problems = [], []

    def open_(width: int = 1280, height: int = 900, locale: str = "en-US"):
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        problem = PageProblems(page, live_server.url)
        problems.append(problem)
        return page

    yield open_
    for context in contexts:
        context.close()
    seen = [error for problem in problems for error in problem.errors]
    assert seen == [], seen


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def reader_world(transactional_db):
    """The Mybridge seed, ninety days of star samples, and a newer computed ranking."""
    from rankings.seeding import seed_load
    from stats.models import StatsSample
    from tests import factories
    from tests.builders import publish_snapshot

    seed = seed_load().snapshot
    seeded = [entry.project for entry in seed.entries.select_related("project").order_by("rank")]
    newcomers = [
        factories.ProjectFactory(name="TinyGrad-lite", slug="tinygrad-lite", description="A small autograd engine."),
        factories.ProjectFactory(name="SegmentAnything-mini", slug="segment-anything-mini", archived=True),
    ]
    today = timezone.now().date()
    samples = []
    for index, project in enumerate(seeded + newcomers):
        base, daily = 1000 + 900 * (12 - index), 3 + 2 * ((index * 7) % 11)
        samples += [
            StatsSample(
                project=project,
                captured_on=today - dt.timedelta(days=day),
                captured_at=timezone.now() - dt.timedelta(days=day),
                stars=base + daily * (90 - day) + (day % 7) * index,
            )
            for day in range(90)
        ]
    StatsSample.objects.bulk_create(samples)
    order = [1, 0, 10, 3, 2, 11, 4, 6, 5, 7]  # indexes into seeded + newcomers
    current = publish_snapshot(
        seeded + newcomers,
        title="MLTop Top 10 · this month",
        taken_at=timezone.now() - dt.timedelta(days=1),
        order=order,
    )
    return seed, current, seeded + newcomers
