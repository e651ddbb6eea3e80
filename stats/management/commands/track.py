from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from kombu.exceptions import OperationalError
from tqdm import tqdm

from github.errors import TokenRejected
from projects.services import project_create_from_url
from stats import services


class Command(BaseCommand):
    help = (
        "Track GitHub repositories: python manage.py track URL [URL ...] or track --file FILE "
        "(one URL per line; blank lines and lines starting with # are skipped). Bad lines are "
        "reported with their line number and reason; the good ones are still added. The new "
        "projects are then refreshed and their star history backfilled by the worker, or here with --sync."
    )

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="*", metavar="URL")
        parser.add_argument("--file", type=Path, help="a file with one GitHub URL per line")
        parser.add_argument("--sync", action="store_true", help="fetch the new projects' figures here and wait")
        parser.add_argument("--no-refresh", action="store_true", help="add the projects without fetching figures")

    def handle(self, *args, urls, file, sync, no_refresh, **options):
        lines = [(f"argument {n}", url) for n, url in enumerate(urls, start=1)]
        if file is not None:
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read {file}: {exc}") from exc
            lines += [
                (f"{file}:{n}", line.strip())
                for n, line in enumerate(text.splitlines(), start=1)
                if line.strip() and not line.strip().startswith("#")
            ]
        if not lines:
            raise CommandError("Give one or more GitHub URLs, or --file FILE.")

        created, problems = [], []
        for where, url in tqdm(lines, unit="url", file=self.stderr, disable=False):
            try:
                created.append(project_create_from_url(url=url, announce=False))
            except ValidationError as exc:
                problems.append(f"{where}: {url}: {' '.join(exc.messages)}")
        for problem in problems:
            self.stderr.write(self.style.ERROR(problem))
        self.stdout.write(f"tracked {len(created)}, rejected {len(problems)}")

        ids = [p.pk for p in created]
        if ids and not no_refresh:
            if sync:
                try:
                    summary = services.refresh_sync(ids, stream=self.stderr)
                except TokenRejected as exc:
                    raise CommandError(f"{exc}; no figures were fetched. Check GITHUB_TOKEN.") from exc
                self.stdout.write(self.style.SUCCESS(summary.line()))
                self.stdout.write(services.backfill_sync(ids, stream=self.stderr).line())
            else:
                try:
                    services.refresh_enqueue(project_ids=ids, on_commit=False)  # the projects are committed
                    services.backfill_enqueue(project_ids=ids, on_commit=False)
                except OperationalError as exc:
                    raise CommandError(
                        f"The projects were added, but the task queue cannot be reached ({exc}); "
                        "fetch their figures with: python manage.py refresh_stats --sync"
                    ) from exc
                self.stdout.write(
                    f"Queued the first refresh and the star-history backfill of {len(ids)} projects for the worker."
                )
        if problems and not created:
            raise CommandError("No URL could be tracked.")
