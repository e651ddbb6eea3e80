import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from github.errors import GitHubUnavailable, RateLimited
from github.search import RepoSearch, SearchRejected, Window
from projects import discovery
from projects.models import DiscoveryRule


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}) from None


class Command(BaseCommand):
    help = _(
        "Find repositories created in a window (default: the last 35 days) with the discovery rules, "
        "and queue the new ones as candidates."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help=_("First creation day, YYYY-MM-DD."))
        parser.add_argument("--until", help=_("Last creation day, YYYY-MM-DD (default: today)."))
        parser.add_argument("--rule", action="append", default=[], help=_("Only this rule (repeatable)."))
        parser.add_argument("--dry-run", action="store_true", help=_("Search and count, write nothing."))

    def handle(self, *args, since=None, until=None, rule=(), dry_run=False, **options):
        today = timezone.now().date()
        until_day = _date(until) if until else today
        since_day = _date(since) if since else until_day - dt.timedelta(days=discovery.DEFAULT_WINDOW_DAYS)
        if since_day > until_day:
            raise CommandError(_("--since must not be after --until."))
        unknown = set(rule) - set(DiscoveryRule.objects.filter(name__in=rule).values_list("name", flat=True))
        if unknown:
            raise CommandError(_("No discovery rule named %(names)s.") % {"names": ", ".join(sorted(unknown))})
        show = options.get("verbosity", 1) > 0
        bar = tqdm(desc=_("Searching GitHub"), unit=" searches", file=sys.stderr, disable=not show)
        search = RepoSearch(on_search=lambda q: bar.update(1))
        try:
            summary = discovery.discovery_run(
                window=Window.days(since_day, until_day),
                rule_names=rule,
                dry_run=dry_run,
                search=search,
                on_found=lambda n: bar.set_postfix(found=n, refresh=False),
            )
        except GitHubUnavailable as exc:
            raise CommandError(_("GitHub could not be reached: %(error)s") % {"error": exc}) from exc
        except RateLimited as exc:
            raise CommandError(_("GitHub's search rate limit stopped the run: %(error)s") % {"error": exc}) from exc
        except SearchRejected as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        self.stdout.write(summary.line())
