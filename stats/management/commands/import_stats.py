import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stats.importing import MAX_FILE_BYTES, BadFile, ImportReport, stats_import


class Command(BaseCommand):
    help = (
        "Import daily figures kept elsewhere from a CSV with the columns repo,date,stars "
        "and optionally forks,watchers,open_issues. Bad rows are reported by line; good rows land; "
        "days already recorded are never overwritten, so importing a file twice changes nothing. "
        f"The whole file is read and checked as UTF-8 before anything is written, so files above "
        f"{MAX_FILE_BYTES // (1024 * 1024)} MB are refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8) with a header row.")

    def _progress(self, report: ImportReport) -> None:
        self.stderr.write(f"  {report.read} rows read, {report.created} imported, {len(report.errors)} bad")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CommandError(
                f"{file} is {size / (1024 * 1024):.1f} MB; import_stats takes files up to "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB. Split it into smaller files (each keeps the header row)."
            )
        # Decoded whole before the first row is written: a bad byte late in the file must not
        # leave the rows before it imported and the rest not.
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{file} is not UTF-8 text (byte {exc.start}: {exc.reason}); nothing was imported."
            ) from None
        try:
            report = stats_import(io.StringIO(text, newline=""), progress=self._progress)
        except BadFile as exc:
            raise CommandError(f"{file}: {exc}") from None
        for line, reason in report.errors:
            self.stderr.write(f"{file}:{line}: {reason}")
        summary = (
            f"{report.read} rows: {report.created} imported, {report.unchanged} already there, "
            f"{report.kept} kept (that day was already recorded with other figures), {len(report.errors)} bad."
        )
        if report.errors:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
