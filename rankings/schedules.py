"""Default periodic tasks, created once in django-celery-beat's tables and then left to editors.

Each entry: ``name`` (unique in admin), ``task`` (dotted name), ``crontab`` (fields of
django-celery-beat's CrontabSchedule) and an optional ``description``. Other features append
their entries to ``DEFAULT_SCHEDULES``.
"""

from django.db import transaction

BUILD_SNAPSHOT_SCHEDULE = {
    "name": "Build the computed ranking snapshot (daily)",
    "task": "rankings.build_snapshot",
    "crontab": {"minute": "30", "hour": "3", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
    "description": "Score every eligible project from the latest samples and store the top K, "
    "and every field's top 10, from one pass.",
}

BUILD_NEWCOMERS_SCHEDULE = {
    "name": "Build last month's newcomers' edition (1st of the month)",
    "task": "rankings.build_newcomers",
    "crontab": {"minute": "45", "hour": "3", "day_of_week": "*", "day_of_month": "1", "month_of_year": "*"},
    "description": "Rank the projects created last month as a draft edition for editors to curate and publish.",
}

DEFAULT_SCHEDULES = [
    {
        "name": "Refresh GitHub figures every 6 hours",
        "task": "stats.refresh_all",
        "crontab": {"minute": "0", "hour": "*/6", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        "description": "Fetch stars, forks, watchers and open issues of every tracked project.",
    },
    BUILD_SNAPSHOT_SCHEDULE,
    {
        "name": "Discover new ML projects on GitHub (daily)",
        "task": "projects.discover",
        "crontab": {"minute": "15", "hour": "2", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        "description": "Search GitHub with the discovery rules for repositories created in the last 35 days "
        "and queue the new ones as candidates.",
    },
    BUILD_NEWCOMERS_SCHEDULE,
]


@transaction.atomic
def ensure_default_schedules(schedules=None) -> list[str]:
    """Create the default periodic tasks that do not exist yet; never changes existing ones.

    Returns the names created. An editor's changes (times, disabling) therefore survive
    every deploy and every ``seed``; a deleted default comes back only if run again.
    """
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    created = []
    for entry in DEFAULT_SCHEDULES if schedules is None else schedules:
        if PeriodicTask.objects.filter(name=entry["name"]).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(**entry["crontab"], timezone="UTC")
        PeriodicTask.objects.create(
            name=entry["name"], task=entry["task"], crontab=crontab, description=entry.get("description", "")
        )
        created.append(entry["name"])
    return created
