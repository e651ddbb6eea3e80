from django.core.management.base import BaseCommand, CommandError
from kombu.exceptions import OperationalError

from github.errors import TokenRejected
from projects.models import Project
from stats import refresh, services, tasks


class Command(BaseCommand):
    help = (
        "Refresh GitHub figures of tracked projects (or of --project SLUG ...). "
        "Queues the work for the Celery worker, or with --sync does it here and waits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", action="append", default=[], metavar="SLUG", help="only this project")
        parser.add_argument("--sync", action="store_true", help="fetch in this process instead of the worker")

    def handle(self, *args, project, sync, **options):
        ids = refresh.refresh_project_ids(slugs=project)
        if project and len(ids) != len(set(project)):
            known = set(Project.objects.filter(slug__in=project).values_list("slug", flat=True))
            raise CommandError(f"No project with slug: {', '.join(sorted(set(project) - known))}")
        if not sync:
            try:
                if project:
                    count = services.refresh_enqueue(project_ids=ids)
                    self.stdout.write(f"Queued {len(ids)} projects in {count} batches for the worker.")
                else:
                    tasks.refresh_all.delay()
                    self.stdout.write(f"Queued a refresh of {len(ids)} tracked projects for the worker.")
            except OperationalError as exc:
                raise CommandError(
                    f"The task queue cannot be reached ({exc}); nothing was queued. Try --sync."
                ) from exc
            return
        try:
            summary = services.refresh_sync(ids, stream=self.stderr)
        except TokenRejected as exc:
            raise CommandError(f"{exc}; no project was changed. Check GITHUB_TOKEN.") from exc
        self.stdout.write(self.style.SUCCESS(summary.line()))
