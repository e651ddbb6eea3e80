# StatsSample now belongs to the stats app (stats.0001 took it over with its table).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('rankings', '0002_ranking_scores'),
        ('stats', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='StatsSample')],
            database_operations=[],
        ),
    ]
