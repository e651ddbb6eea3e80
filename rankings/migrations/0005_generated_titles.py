import re

from django.db import migrations, models

# The titles builds and "start an edition" used to store, in English: from now on they are
# generated at render time in the reader's language (rankings/titles.py), so they are cleared.
GENERATED = re.compile(r"^(Computed ranking · \d{4}-\d{2}-\d{2}|Editorial edition of “.*”)$")


def clear_generated_titles(apps, schema_editor):
    RankingSnapshot = apps.get_model("rankings", "RankingSnapshot")
    rows = RankingSnapshot.objects.filter(
        models.Q(title__startswith="Computed ranking · ") | models.Q(title__startswith="Editorial edition of “")
    ).only("pk", "title")
    ids = [row.pk for row in rows if GENERATED.match(row.title)]
    RankingSnapshot.objects.filter(pk__in=ids).update(title="")


class Migration(migrations.Migration):
    dependencies = [
        ("rankings", "0004_snapshot_coverage"),
    ]

    operations = [
        migrations.AlterField(
            model_name="rankingsnapshot",
            name="title",
            field=models.CharField(
                blank=True,
                help_text="Leave empty for a title made from the origin and date, in each reader's language.",
                max_length=200,
                verbose_name="title",
            ),
        ),
        # Titles editors typed stay; there is no way back to a stored English title, nor need.
        migrations.RunPython(clear_generated_titles, migrations.RunPython.noop),
    ]
