import io

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from rankings.schedules import DEFAULT_SCHEDULES, ensure_default_schedules

pytestmark = pytest.mark.django_db


def test_the_default_refresh_runs_every_6_hours():
    ensure_default_schedules()
    task = PeriodicTask.objects.get(task="stats.refresh_all")
    assert (task.crontab.minute, task.crontab.hour, task.enabled) == ("0", "*/6", True)


def test_defaults_are_created_once_and_an_editors_changes_are_kept():
    assert ensure_default_schedules() == [entry["name"] for entry in DEFAULT_SCHEDULES]
    task = PeriodicTask.objects.get(task="stats.refresh_all")
    task.enabled = False
    task.crontab.hour = "*/12"
    task.crontab.save()
    task.save()
    assert ensure_default_schedules() == []
    task.refresh_from_db()
    assert (task.enabled, task.crontab.hour) == (False, "*/12")
    assert PeriodicTask.objects.filter(task="stats.refresh_all").count() == 1


def test_seed_creates_the_default_schedules():
    out = io.StringIO()
    call_command("seed", stdout=out)
    assert "Refresh GitHub figures every 6 hours" in out.getvalue()
    assert PeriodicTask.objects.filter(task="stats.refresh_all").exists()


def test_schedules_are_editable_in_admin(staff_client):
    ensure_default_schedules()
    task = PeriodicTask.objects.get(task="stats.refresh_all")
    response = staff_client.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")
    assert response.status_code == 200 and "stats.refresh_all" in response.content.decode()
