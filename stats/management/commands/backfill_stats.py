from django.core.management.base import BaseCommand

from stats import backfill, services


class Command(BaseCommand):
    help = (
        "Fill projects' past daily star totals from GitHub's star history, here, with progress. "
        "By default every catalogued project whose history does not yet reach back to its "
        "creation; --project SLUG (repeatable) names projects; --force fetches whole histories "
        "again (days that have a sample are never rewritten). Ends with: backfilled N projects, "
        "D days, R requests, skipped K."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", action="append", default=[], metavar="SLUG", dest="slugs")
        parser.add_argument("--force", action="store_true", help="fetch every page again, even of complete histories")

    def handle(self, *args, slugs, force, **options):
        ids, skipped = backfill.backfill_project_ids(slugs=slugs, force=force)
        if slugs and len(ids) < len(set(slugs)):
            self.stderr.write(self.style.WARNING(f"{len(set(slugs)) - len(ids)} of the named projects do not exist"))
        summary = services.backfill_sync(ids, stream=self.stderr, skipped=skipped, force=force)
        self.stdout.write(summary.line())
