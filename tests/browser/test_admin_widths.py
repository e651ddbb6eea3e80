"""Admin pages editors use every day fit a 1280 px screen, with long names, blurbs and scores."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from rankings.models import RankingSnapshot
from tests import factories

# Names and errors without spaces or hyphens give the browser nowhere to wrap.
LONG_NAME = "SegmentAnythingHighQualityExtendedEditionForMedicalImagingBenchmarks"
LONG_BLURB = (
    "A very long editorial blurb explaining why this project matters this month, with details on its "
    "benchmarks, its licence, its maintainers and what changed since the last edition of the ranking. " * 3
)
LONG_ERROR = "https://api.github.com/repos/" + "an_organisation_with_a_rather_long_name/" * 4


@pytest.fixture
def admin_world(transactional_db):
    from rankings.seeding import seed_load

    seed_load()
    projects = [
        factories.ProjectFactory(
            name=f"{LONG_NAME}-{i}",
            slug=f"long-{i}",
            repo_owner="AnOrganisationWithARatherLongName",
            repo_name=f"ARepositoryWhoseNameGoesOnAndOn{i}",
            fetch_error=LONG_ERROR,
            last_fetched_at=timezone.now(),
            description=LONG_BLURB,
        )
        for i in range(12)
    ]
    draft = factories.RankingSnapshotFactory(
        title="MLTopTop10ComputedOnTheFirstMondayOfTheMonthBeforeTheEditorsReview" * 2,
        origin=RankingSnapshot.Origin.COMPUTED,
        method="weighted-log-stars-gain-recency-v2",
        weights={"stars": 0.35000000000000003, "gain_30d": 0.45000000000000007, "recency": 0.19999999999999996},
        parameters={"window_days": 30, "stars_cap": 250000, "as_of": "2026-11-30", "top_k": 10, "decay": 0.1},
        notes=LONG_BLURB,
    )
    for rank, project in enumerate(projects[:10], start=1):
        factories.RankingEntryFactory(
            snapshot=draft,
            project=project,
            rank=rank,
            score=1 / (rank + 0.123456789),
            stars=123456,
            stars_gained_30d=98765,
            previous_rank=rank + 1,
            flags=["new", "fast-rising", "archived-upstream"],
            breakdown={"momentum": {"value": 0.8123456789012345, "weight": 0.35, "contribution": 0.2843209876543211}},
            blurb=LONG_BLURB,
        )
    return draft


def _log_in(context, live_server):
    user = factories.StaffUserFactory()
    client = Client()
    client.force_login(user)
    assert client.session[SESSION_KEY]
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.mark.parametrize(
    "path",
    [
        "/admin/projects/project/",
        "/admin/rankings/rankingsnapshot/",
        "/admin/rankings/rankingsnapshot/{draft}/change/",
        "/admin/projects/project/add/",
    ],
)
def test_admin_pages_fit_1280_pixels(open_page, live_server, admin_world, path):
    page = open_page(width=1280)
    # Admin links no icon, so Chromium asks for /favicon.ico, which MLTop does not serve.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    _log_in(page.context, live_server)
    page.goto(live_server.url + path.format(draft=admin_world.pk))
    assert page.locator("#content").count() == 1, page.content()[:500]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"{path} is {width} px wide"
    # Admin's result lists scroll sideways inside the page: nothing may reach past the screen there either.
    right = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('#content *'), e => e.getBoundingClientRect().right))"
    )
    assert right <= 1280, f"{path} reaches {right} px"
    # ... nor be cut off by a box that scrolls sideways (admin's .results does, beside the filters).
    clipped = page.evaluate(
        """Array.from(document.querySelectorAll('#content *'))
          .filter(e => !['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName))
          .filter(e => getComputedStyle(e).textOverflow !== 'ellipsis')  // cut short on purpose, with …
          .filter(e => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX))
          .filter(e => e.scrollWidth > e.clientWidth + 1)
          .map(e => `${e.tagName}.${e.className}: ${e.scrollWidth} > ${e.clientWidth}`)"""
    )
    assert clipped == [], f"{path}: {clipped}"
