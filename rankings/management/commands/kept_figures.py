from django.core.management.base import BaseCommand, CommandError

from projects.models import Project
from rankings.kept_figures import figures_update


class Command(BaseCommand):
    help = (
        "Recompute every project's kept figures as of today under the parameters in settings, in batches, "
        "printing progress. Run it after the migration that adds them, or after changing RANKING_MOMENTUM_* or "
        "RANKING_SPIKE_*; builds stay exact without it (they recompute stale rows), only slower."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000, help="Projects per statement (default 1000).")

    def handle(self, *args, batch=1000, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
        done = 0
        for start in range(0, len(ids), batch):
            # One statement, committed on its own, per batch: a long fill never holds every row locked at once.
            done += figures_update(project_ids=ids[start : start + batch])
            self.stderr.write(f"{min(start + batch, len(ids)):,} / {len(ids):,} projects")
        self.stdout.write(f"{done} rows written")
