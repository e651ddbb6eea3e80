import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from rankings.board_services import boards_build, newcomers_build
from rankings.newcomers import Month
from rankings.services import snapshot_build


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of must be a date written YYYY-MM-DD, not “{text}”.") from None


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise CommandError(f"--month: {exc}") from None


class Command(BaseCommand):
    help = (
        "Build a computed ranking snapshot from the samples captured up to a date (today by default) "
        "and print its id. Nothing captured after that date is read. --board new --month YYYY-MM builds "
        "that month's newcomers' edition; --board all builds the overall board and every field's from "
        "one pass (one id a line, overall first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--board", choices=["overall", "new", "all"], default="overall")
        parser.add_argument("--month", help="YYYY-MM: the month of a newcomers' edition (--board new).")
        parser.add_argument("--as-of", help="YYYY-MM-DD: rank as of the end of this day (default: today).")
        parser.add_argument("--top", type=int, help="How many projects to keep (default: RANKING_TOP_K).")
        parser.add_argument("--publish", action="store_true", help="Publish it (default: RANKING_AUTO_PUBLISH).")

    def handle(self, *args, board="overall", month=None, as_of=None, top=None, publish=False, **options):
        if board == "new":
            if not month or as_of:
                raise CommandError("--board new takes --month YYYY-MM (and no --as-of).")
            self._newcomers(_month(month), top=top, publish=publish)
            return
        if month:
            raise CommandError("--month is for --board new.")
        as_of = _date(as_of) if as_of else None
        self.stderr.write(f"Building the ranking as of {as_of or 'today'}…")
        try:
            if board == "all":
                built = boards_build(as_of=as_of, top_k=top, publish=True if publish else None)
                snapshots = [s for s in [built.overall, *built.categories] if s is not None]
            else:
                snapshots = [snapshot_build(as_of=as_of, top_k=top, publish=True if publish else None)]
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for snapshot in snapshots:
            self._report(snapshot)

    def _newcomers(self, month: Month, *, top, publish):
        self.stderr.write(f"Building the newcomers of {month}…")
        try:
            snapshot = newcomers_build(month=month, top_k=top, publish=publish)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self._report(snapshot)

    def _report(self, snapshot):
        self.stderr.write(f"“{snapshot}”: {snapshot.entries.count()} entries, {snapshot.get_status_display().lower()}.")
        self.stdout.write(str(snapshot.pk))
