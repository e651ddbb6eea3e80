import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from rankings.models import RankingSnapshot
from rankings.schedules import BUILD_SNAPSHOT_SCHEDULE
from rankings.services import BUILD_SNAPSHOT_LOCK
from rankings.tasks import BUILD_SNAPSHOT_TASK, build_snapshot
from stats.models import StatsSample

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(project_factory):
    today = timezone.now().date()
    project = project_factory()
    StatsSample.objects.bulk_create(
        StatsSample(
            project=project,
            captured_on=today - dt.timedelta(days=n),
            captured_at=timezone.now() - dt.timedelta(days=n),
            stars=1000 - n,
        )
        for n in range(5)
    )
    return project


def test_task_builds_a_snapshot_and_returns_a_summary(history, settings):
    settings.RANKING_AUTO_PUBLISH = True
    summary = build_snapshot.run()
    snapshot = RankingSnapshot.objects.get()
    assert summary == {"snapshot_id": snapshot.pk, "status": "published", "entries": 1, "categories": 0}
    assert cache.get(BUILD_SNAPSHOT_LOCK) is None


def test_task_skips_while_another_build_holds_the_lock(history):
    cache.add(BUILD_SNAPSHOT_LOCK, 1)
    assert build_snapshot.run() == {"skipped": "another build is running"}
    assert not RankingSnapshot.objects.exists()


def test_task_accepts_an_as_of_date(history):
    summary = build_snapshot.run(as_of=(timezone.now().date() - dt.timedelta(days=2)).isoformat(), top_k=5)
    assert (
        RankingSnapshot.objects.get(pk=summary["snapshot_id"]).parameters["as_of"]
        == (timezone.now().date() - dt.timedelta(days=2)).isoformat()
    )


def test_default_schedule_is_daily_for_this_task():
    assert BUILD_SNAPSHOT_SCHEDULE["task"] == BUILD_SNAPSHOT_TASK == build_snapshot.name
    assert BUILD_SNAPSHOT_SCHEDULE["crontab"]["day_of_week"] == "*"
    assert BUILD_SNAPSHOT_SCHEDULE["crontab"]["hour"].isdigit()
