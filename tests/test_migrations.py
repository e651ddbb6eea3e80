"""Moving StatsSample from rankings to stats loses no row.

A database is taken back to the layout before the move (rankings owned StatsSample), filled
with samples, a published snapshot, an API token, a permission on samples and beat schedules
naming the old tasks, then migrated forward: every row is found through the new models.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("projects", "0002_project_ranking_keep"),
    ("rankings", "0002_ranking_scores"),
    ("stats", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    applied = MigrationExecutor(connection).loader.applied_migrations
    return MigrationExecutor(connection).loader.project_state(list(applied), at_end=True).apps


@pytest.mark.django_db(transaction=True)
def test_samples_snapshots_tokens_and_schedules_survive_the_move():
    old = _migrate(BEFORE)
    Project = old.get_model("projects", "Project")
    OldSample = old.get_model("rankings", "StatsSample")
    Snapshot = old.get_model("rankings", "RankingSnapshot")
    Entry = old.get_model("rankings", "RankingEntry")
    User = old.get_model("auth", "User")
    Token = old.get_model("authtoken", "Token")
    Permission = old.get_model("auth", "Permission")
    ContentType = old.get_model("contenttypes", "ContentType")
    Crontab = old.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = old.get_model("django_celery_beat", "PeriodicTask")

    project = Project.objects.create(name="Gym", slug="gym", repo_owner="openai", repo_name="gym", status="tracked")
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    for day in range(3):
        OldSample.objects.create(
            project=project,
            captured_on=dt.date(2026, 11, 1 + day),
            captured_at=now + dt.timedelta(days=day),
            stars=100 + day,
            source="github",
        )
    snapshot = Snapshot.objects.create(title="Top", taken_at=now, status="published", origin="computed")
    Entry.objects.create(snapshot=snapshot, project=project, rank=1, stars=102)
    editor = User.objects.create(username="editor", is_staff=True)
    Token.objects.create(key="0" * 40, user=editor)
    sample_type, _ = ContentType.objects.get_or_create(app_label="rankings", model="statssample")
    view_samples, _ = Permission.objects.get_or_create(
        content_type=sample_type, codename="view_statssample", defaults={"name": "Can view stats sample"}
    )
    editor.user_permissions.add(view_samples)
    crontab = Crontab.objects.create(minute="0", hour="*/6", timezone="UTC")
    PeriodicTask.objects.create(name="Refresh", task="rankings.tasks.refresh_all", crontab=crontab, enabled=False)

    call_command("migrate", verbosity=0)

    from django.contrib.auth.models import User as NewUser
    from django_celery_beat.models import PeriodicTask as NewPeriodicTask
    from rest_framework.authtoken.models import Token as NewToken

    from rankings.models import RankingEntry, RankingSnapshot
    from stats.models import StatsSample

    assert list(StatsSample.objects.order_by("captured_on").values_list("project__slug", "stars")) == [
        ("gym", 100),
        ("gym", 101),
        ("gym", 102),
    ]
    # Our own refreshes became "observed", each recorded when it was captured.
    migrated = StatsSample.objects.values_list("source", "recorded_at", "captured_at")
    assert {(source, recorded == captured) for source, recorded, captured in migrated} == {("observed", True)}
    assert RankingSnapshot.objects.get().entries.get().project.slug == "gym"
    assert RankingEntry.objects.count() == 1
    assert NewToken.objects.get().user.username == "editor"
    assert NewUser.objects.get(username="editor").has_perm("stats.view_statssample")
    task = NewPeriodicTask.objects.get(name="Refresh")
    assert (task.task, task.enabled) == ("stats.refresh_all", False)  # renamed, the editor's change kept
