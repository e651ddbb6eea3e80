import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from rankings.services import snapshot_build


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of must be a date written YYYY-MM-DD, not “{text}”.") from None


class Command(BaseCommand):
    help = (
        "Build a computed ranking snapshot from the samples captured up to a date (today by default) "
        "and print its id. Nothing captured after that date is read."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD: rank as of the end of this day (default: today).")
        parser.add_argument("--top", type=int, help="How many projects to keep (default: RANKING_TOP_K).")
        parser.add_argument("--publish", action="store_true", help="Publish it (default: RANKING_AUTO_PUBLISH).")

    def handle(self, *args, as_of=None, top=None, publish=False, **options):
        as_of = _date(as_of) if as_of else None
        self.stderr.write(f"Building the ranking as of {as_of or 'today'}…")
        try:
            snapshot = snapshot_build(as_of=as_of, top_k=top, publish=True if publish else None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(f"“{snapshot}”: {snapshot.entries.count()} entries, {snapshot.get_status_display().lower()}.")
        self.stdout.write(str(snapshot.pk))
