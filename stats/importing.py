"""Importing figures kept elsewhere: a CSV of ``repo,date,stars[,forks,watchers,open_issues]``.

Every row is checked on its own; good rows land, bad ones are reported with their line
number and reason. A day already recorded for a project is never overwritten (our own
captures are the record, and published snapshots were computed from them), so importing
the same file again changes nothing.
"""

import csv
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from github.repo_urls import InvalidGitHubURL, parse_github_url
from projects.models import Project, RepositoryName

from .models import StatsSample
from .signals import samples_written

REQUIRED = ("repo", "date", "stars")
OPTIONAL = ("forks", "watchers", "open_issues")
BATCH_SIZE = 1000
# import_stats reads the whole file before writing anything, so it refuses files above this.
MAX_FILE_BYTES = 50 * 1024 * 1024
ISO_DAY_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class BadFile(ValueError):
    """The file as a whole cannot be read (missing columns, not CSV)."""


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    unchanged: int = 0
    kept: int = 0  # the day was already recorded with other figures: ours are kept
    errors: list[tuple[int, str]] = field(default_factory=list)


def _shown(text: str, limit: int = 60) -> str:
    """A value quoted in a report, cut short so one huge field cannot flood the output."""
    return text if len(text) <= limit else f"{text[:limit]}…"


def _day(raw: str) -> dt.date:
    # fromisoformat alone also takes 20240101 and 2024-W01-1; the file format says YYYY-MM-DD.
    if not ISO_DAY_RE.match(raw):
        raise ValueError
    return dt.date.fromisoformat(raw)


def _rows(reader: csv.DictReader, report: "ImportReport"):
    """The reader's rows; a line the csv module cannot read is reported and skipped."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.read += 1
            # DictReader updates its own line_num only after a row is read: ask the csv reader.
            report.errors.append((reader.reader.line_num, f"not readable as CSV ({exc})"))


def _repo_key(text: str) -> tuple[str, str, str]:
    text = text.strip()
    if not text.lower().startswith(("http://", "https://")):
        text = f"https://github.com/{text}"
    ref = parse_github_url(text)
    return ref.owner.lower(), ref.name.lower(), ref.sub_path


def _count(row: dict, column: str, *, required: bool) -> int | None:
    raw = (row.get(column) or "").strip()
    if not raw:
        if required:
            raise ValueError(f"{column} is empty")
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{column} “{_shown(raw)}” is not a whole number") from None
    if value < 0:
        raise ValueError(f"{column} cannot be negative")
    if value > 2_147_483_647:
        raise ValueError(f"{column} is too large")
    return value


class RepositoryIndex:
    """Which projects take a CSV row's repository: under its current name or an earlier one.

    A row that names a repository feeds every project tracking it, folders included (Psychlab
    is a folder of deepmind/lab: its figures are the repository's); a row that names a folder
    feeds that folder's project only. Current names win over earlier ones, since GitHub lets
    a new repository take a name that a renamed one left.
    """

    def __init__(self):
        self.current: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        for pk, owner, name, sub_path in Project.objects.values_list("pk", "repo_owner", "repo_name", "sub_path"):
            self.current[owner.lower(), name.lower()].append((pk, sub_path))
        self.former: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        for pk, owner, name, sub_path in RepositoryName.objects.values_list(
            "project_id", "owner", "name", "project__sub_path"
        ):
            self.former[owner.lower(), name.lower()].append((pk, sub_path))

    def project_ids(self, owner: str, name: str, sub_path: str) -> list[int]:
        holders = self.current.get((owner, name)) or self.former.get((owner, name)) or []
        return sorted({pk for pk, folder in holders if not sub_path or folder == sub_path})


def stats_import(
    lines: Iterable[str], *, progress: Callable[[ImportReport], None] | None = None, today: dt.date | None = None
) -> ImportReport:
    """Import samples from CSV text lines; returns what happened to every row."""
    today = today or timezone.now().date()
    reader = csv.DictReader(lines)
    try:
        columns = [c.strip() for c in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise BadFile(f"The header is not readable as CSV ({exc}).") from None
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise BadFile(f"The header must have the columns {', '.join(REQUIRED)}; missing: {', '.join(missing)}.")
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise BadFile(f"Unknown columns: {_shown(', '.join(unknown))}. Allowed: {', '.join(REQUIRED + OPTIONAL)}.")
    reader.fieldnames = columns

    report = ImportReport()
    projects = RepositoryIndex()
    seen: dict[tuple[int, dt.date], int] = {}
    batch: list[tuple[int, StatsSample]] = []
    for row in _rows(reader, report):
        line = reader.line_num
        report.read += 1
        if None in row:
            report.errors.append((line, "more values than columns"))
            continue
        try:
            try:
                key = _repo_key(row.get("repo") or "")
            except InvalidGitHubURL as exc:
                raise ValueError(f"repo: {_shown(str(exc), 200)}") from None
            project_ids = projects.project_ids(*key)
            if not project_ids:
                raise ValueError(f"repository {_shown(row['repo'].strip())} is not in the catalogue")
            try:
                day = _day((row.get("date") or "").strip())
            except ValueError:
                raise ValueError(f"date “{_shown((row.get('date') or '').strip())}” is not YYYY-MM-DD") from None
            if day > today:
                raise ValueError(f"date {day.isoformat()} is in the future")
            figures = {"stars": _count(row, "stars", required=True)}
            figures.update({c: _count(row, c, required=False) for c in OPTIONAL})
        except ValueError as exc:
            report.errors.append((line, str(exc)))
            continue
        earlier = next((seen[pk, day] for pk in project_ids if (pk, day) in seen), None)
        if earlier is not None:
            report.errors.append((line, f"the same repository and date as line {earlier}"))
            continue
        for project_id in project_ids:
            seen[project_id, day] = line
            sample = StatsSample(
                project_id=project_id,
                captured_on=day,
                captured_at=dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC),
                source=StatsSample.Source.IMPORT,
                **figures,
            )
            batch.append((line, sample))
        if len(batch) >= BATCH_SIZE:
            _save(batch, report)
            batch = []
            if progress:
                progress(report)
    if batch:
        _save(batch, report)
    if progress:
        progress(report)
    return report


FIGURES = ("stars", "forks", "watchers", "open_issues")


@transaction.atomic
def _save(batch: list[tuple[int, StatsSample]], report: ImportReport) -> None:
    project_ids = {s.project_id for _, s in batch}
    days = {s.captured_on for _, s in batch}
    existing = {
        (row["project_id"], row["captured_on"]): tuple(row[f] for f in FIGURES)
        for row in StatsSample.objects.filter(project_id__in=project_ids, captured_on__in=days).values(
            "project_id", "captured_on", *FIGURES
        )
    }
    new = []
    for _line, sample in batch:
        recorded = existing.get((sample.project_id, sample.captured_on))
        if recorded is None:
            new.append(sample)
        elif recorded == tuple(getattr(sample, f) for f in FIGURES):
            report.unchanged += 1
        else:
            report.kept += 1
    # ignore_conflicts: a refresh may record the same day between our read and this insert.
    StatsSample.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        samples_written.send(sender=StatsSample, project_ids=sorted({s.project_id for s in new}))
    report.created += len(new)
