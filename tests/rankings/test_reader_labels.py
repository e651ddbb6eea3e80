"""What readers see in place of internal names and raw values (issue 13, item 21)."""

import datetime as dt

import pytest
from django.utils import timezone

from rankings import charts
from rankings.models import RankingSnapshot
from rankings.templatetags.mltop_charts import rank_chart
from tests import factories
from tests.builders import build_rankings

pytestmark = pytest.mark.django_db


def test_the_seed_page_hides_the_method_name_and_says_no_score_once(client, seeded):
    html = client.get(f"/rankings/{seeded.pk}/").content.decode()
    assert "mybridge-editorial" not in html
    assert html.count("No score: an editorial list") == 1
    zh = client.get(f"/rankings/{seeded.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "mybridge-editorial" not in zh and zh.count("无得分") == 1


def test_a_computed_ranking_names_its_method_readably(client):
    _, snapshots = build_rankings(snapshots=1)
    RankingSnapshot.objects.filter(pk=snapshots[0].pk).update(method="mltop-score/1")
    html = client.get(f"/rankings/{snapshots[0].pk}/").content.decode()
    assert "mltop-score/1" not in html and "MLTop score, version 1" in html
    assert "No score" not in html
    zh = client.get(f"/rankings/{snapshots[0].pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "MLTop 评分（第 1 版）" in zh


@pytest.mark.parametrize(
    ("license", "english", "chinese"),
    [("NOASSERTION", "Other", "其他（未声明）"), ("MIT", "MIT", "MIT"), ("", None, None)],
)
def test_the_licence_is_shown_readably(client, license, english, chinese):
    project = factories.ProjectFactory(slug="licensed", license=license)
    for language, expected in (("en", english), ("zh-CN", chinese)):
        html = client.get("/projects/licensed/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert "NOASSERTION" not in html
        if expected is None:
            assert "<dt>License</dt>" not in html and "<dt>许可证</dt>" not in html
        else:
            assert f"<dd>{expected}</dd>" in html
    assert project.license == license


def test_the_rank_line_breaks_where_the_project_was_absent(project_factory):
    project = project_factory()
    now = timezone.now()

    def entry(days_ago, rank, previous_rank):
        snapshot = factories.RankingSnapshotFactory(taken_at=now - dt.timedelta(days=days_ago))
        return factories.RankingEntryFactory(snapshot=snapshot, project=project, rank=rank, previous_rank=previous_rank)

    # In the first two rankings, absent from the third, back in the fourth and fifth.
    entries = [entry(40, 3, None), entry(30, 2, 3), entry(10, 5, None), entry(0, 4, 5)]
    svg = str(rank_chart(entries, "X"))
    assert svg.count('<polyline class="series"') == 2
    # A ranking on its own between two absences is a dot, not part of a line.
    lone = [entry(100, 7, None), entry(90, 6, None), entry(80, 5, 6)]
    svg = str(rank_chart(lone, "Y"))
    assert svg.count('<polyline class="series"') == 1 and svg.count('class="dot"') == 3


def test_line_chart_segments_without_breaks_stay_one_line():
    day = dt.date(2026, 1, 1)
    points = [(day + dt.timedelta(days=i), i + 1) for i in range(5)]
    svg = charts.line_chart(points, chart_id="c", title="t", description="d", y_label="y", x_label="x", rank_axis=True)
    assert svg.count("<polyline") == 1
