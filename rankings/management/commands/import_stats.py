from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rankings.importing import BadFile, ImportReport, stats_import


class Command(BaseCommand):
    help = (
        "Import daily figures kept elsewhere from a CSV with the columns repo,date,stars "
        "and optionally forks,watchers,open_issues. Bad rows are reported by line; good rows land; "
        "days already recorded are never overwritten, so importing a file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8) with a header row.")

    def _progress(self, report: ImportReport) -> None:
        self.stderr.write(f"  {report.read} rows read, {report.created} imported, {len(report.errors)} bad")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                report = stats_import(handle, progress=self._progress)
        except BadFile as exc:
            raise CommandError(f"{file}: {exc}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None
        for line, reason in report.errors:
            self.stderr.write(f"{file}:{line}: {reason}")
        summary = (
            f"{report.read} rows: {report.created} imported, {report.unchanged} already there, "
            f"{report.kept} kept (that day was already recorded with other figures), {len(report.errors)} bad."
        )
        if report.errors:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
