# StatsSample moved here from rankings: the table (rankings_statssample) and every row stay
# where they are; only Django's state changes owner. Content types and permissions follow,
# so groups and tokens keep their rights on samples.

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="stats", model="statssample").exists():
        ContentType.objects.filter(app_label="rankings", model="statssample").update(app_label="stats")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="rankings", model="statssample").exists():
        ContentType.objects.filter(app_label="stats", model="statssample").update(app_label="rankings")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('projects', '0002_project_ranking_keep'),
        ('rankings', '0002_ranking_scores'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='StatsSample',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('captured_on', models.DateField(verbose_name='captured on')),
                        ('captured_at', models.DateTimeField(verbose_name='captured at')),
                        ('stars', models.PositiveIntegerField(verbose_name='stars')),
                        ('forks', models.PositiveIntegerField(blank=True, null=True, verbose_name='forks')),
                        ('watchers', models.PositiveIntegerField(blank=True, null=True, verbose_name='watchers')),
                        ('open_issues', models.PositiveIntegerField(blank=True, null=True, verbose_name='open issues')),
                        ('pushed_at', models.DateTimeField(blank=True, null=True, verbose_name='pushed at')),
                        ('source', models.CharField(choices=[('github', 'GitHub'), ('import', 'Imported'), ('article', 'Published article')], default='github', max_length=10, verbose_name='source')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='samples', to='projects.project')),
                    ],
                    options={
                        'verbose_name': 'stats sample',
                        'verbose_name_plural': 'stats samples',
                        'db_table': 'rankings_statssample',
                        'ordering': ['project', 'captured_on'],
                        'get_latest_by': 'captured_on',
                        'indexes': [models.Index(fields=['captured_on'], name='statssample_captured_on')],
                        'constraints': [models.UniqueConstraint(fields=('project', 'captured_on'), name='statssample_unique_window')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
