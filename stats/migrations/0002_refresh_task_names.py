# The refresh tasks moved from rankings to stats and took names of their own. Schedules that
# editors kept in the database name the old tasks: point them at the new names.

from django.db import migrations

RENAMES = {
    "rankings.tasks.refresh_all": "stats.refresh_all",
    "rankings.tasks.refresh_batch": "stats.refresh_batch",
}


def rename(apps, schema_editor, renames=RENAMES):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in renames.items():
        PeriodicTask.objects.filter(task=old).update(task=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in RENAMES.items()})


class Migration(migrations.Migration):

    dependencies = [
        ('stats', '0001_initial'),
        ('django_celery_beat', '0019_alter_periodictasks_options'),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
