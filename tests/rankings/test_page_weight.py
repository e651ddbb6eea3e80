"""Reader pages weigh the same, and run the same queries, however many rankings the archive holds."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rankings.selectors import pages
from rankings.selectors.snapshots import MENU_SIZE
from tests.builders import build_rankings, publish_snapshot
from tests.conftest import clear_app_cache

pytestmark = pytest.mark.django_db


def measure(client, paths: list[str]) -> dict[str, tuple[int, int]]:
    """(bytes, SQL queries) of each page computed afresh."""
    clear_app_cache()
    figures = {}
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        figures[path] = (len(response.content), len(queries))
    return figures


def test_pages_do_not_grow_with_older_rankings(client, monkeypatch):
    monkeypatch.setattr(pages, "RANK_HISTORY_SIZE", 5)
    projects, snapshots = build_rankings(snapshots=MENU_SIZE + 2, samples=3)
    # The middle project is in ten rankings; a middle snapshot has neighbours both sides.
    paths = ["/", f"/rankings/{snapshots[-1].pk}/", f"/rankings/{snapshots[6].pk}/", f"/projects/{projects[9].slug}/"]
    before = measure(client, paths)
    first = snapshots[0].taken_at
    for month in range(1, 3 * MENU_SIZE + 1):  # three times as many, all older: the archive grows
        publish_snapshot(
            projects, title=f"Old {month}", taken_at=first - dt.timedelta(days=30 * month), order=range(10)
        )
    after = measure(client, paths)
    assert after == before
    assert before["/"][1] == 5 and before[paths[1]][1] == 7 and before[paths[3]][1] == 6


def test_the_menu_lists_the_newest_and_the_page_s_own_ranking(client):
    _, snapshots = build_rankings(snapshots=MENU_SIZE + 3)
    html = client.get(f"/rankings/{snapshots[0].pk}/").content.decode()
    menu = html[html.index('id="snapshot-menu-select"') : html.index("</select>")]
    assert menu.count("<option") == MENU_SIZE + 1
    assert f'<option value="{snapshots[0].pk}" selected>' in menu
    assert f'<option value="{snapshots[1].pk}"' not in menu  # in the archive, not the menu
    assert 'href="/rankings/">All published rankings</a>' in html
    # Its neighbours are still linked, newer and (none) older.
    assert f'rel="next" href="/rankings/{snapshots[1].pk}/"' in html and 'rel="prev"' not in html


def test_neighbours_taken_at_the_same_moment_follow_the_menu_s_order(client):
    projects, snapshots = build_rankings(snapshots=1)
    twins = [
        publish_snapshot(projects, title=f"Twin {i}", taken_at=snapshots[0].taken_at, order=range(10)) for i in (1, 2)
    ]
    # newest_first(): taken_at, then id, descending: twin 2, twin 1, the first.
    html = client.get(f"/rankings/{twins[0].pk}/").content.decode()
    assert f'rel="next" href="/rankings/{twins[1].pk}/"' in html
    assert f'rel="prev" href="/rankings/{snapshots[0].pk}/"' in html


def test_a_project_page_shows_its_latest_rankings_and_says_where_the_rest_are(client, monkeypatch):
    monkeypatch.setattr(pages, "RANK_HISTORY_SIZE", 3)
    projects, snapshots = build_rankings(snapshots=6)
    project = projects[9]  # in all six
    html = client.get(f"/projects/{project.slug}/").content.decode()
    table = html[html.index('id="ranks-h"') :]
    assert table.count("<tr><td><a href=") == 3
    for snapshot in snapshots[-3:]:
        assert f'<a href="/rankings/{snapshot.pk}/">' in table
    assert f'<a href="/rankings/{snapshots[2].pk}/">' not in table
    assert f'Its latest 3 published rankings; <a href="/api/projects/{project.slug}/ranks/">the API</a>' in html
    assert len(client.get(f"/api/projects/{project.slug}/ranks/").json()) == 6
