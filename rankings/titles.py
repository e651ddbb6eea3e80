"""Titles and subtitles of snapshots, made at render time in the reader's language.

One home for every generated title, keyed on the board, so every page, the feed and the API
word a snapshot the same way and a stored English title is never what a Chinese reader sees:

- the month's newcomers: "The ten newest ML projects · November 2026" / "十大最新机器学习开源项目 · 2026年11月";
- a field: "Top 10 in Computer vision · <date>";
- the overall board: a title an editor typed (the seed's "Mybridge Top 10 · February 2018") is
  stored and shown as typed; an empty one is generated from the fields: "Computed ranking ·
  <date>" or "Editorial edition · <date>".

Two published overall snapshots of one origin and day would share a title: from the second on,
it ends in " #2", " #3"… in the order they were taken. That order comes from the
``same_day_before`` annotation (``RankingSnapshotQuerySet.with_title_order()``); without it
(a snapshot loaded through another row) no number is added.
"""

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

OVERALL, NEW, CATEGORY = "overall", "new", "category"
# Origins as stored (RankingSnapshot.Origin): this module is imported by models.py.
COMPUTED, EDITORIAL = "computed", "editorial"


def month_of(period: str) -> dt.date | None:
    """The first day of a ``YYYY-MM`` period, or None if it is not one."""
    try:
        year, month = (int(part) for part in period.split("-")[:2])
        return dt.date(year, month, 1)
    except (AttributeError, ValueError):
        return None


def month_label(period: str) -> str:
    """ "November 2026" / "2026年11月"."""
    first = month_of(period)
    return formats.date_format(first, "YEAR_MONTH_FORMAT") if first else period


def newcomers_title(period: str) -> str:
    return _("The ten newest ML projects · %(month)s") % {"month": month_label(period)}


def category_title(category, day: dt.date) -> str:
    return _("Top 10 in %(category)s · %(date)s") % {
        "category": category.name_in(get_language()),
        "date": formats.date_format(day, "DATE_FORMAT"),
    }


def snapshot_title(snapshot) -> str:
    """The title of a snapshot in the active language."""
    if snapshot.board == NEW and snapshot.period:
        return newcomers_title(snapshot.period)
    if snapshot.board == CATEGORY and snapshot.category_id is not None:
        return category_title(snapshot.category, snapshot.taken_at.date())
    if snapshot.title:
        return snapshot.title
    day = formats.date_format(timezone.localtime(snapshot.taken_at).date(), "DATE_FORMAT")
    if snapshot.origin == COMPUTED:
        title = _("Computed ranking · %(date)s") % {"date": day}
    else:
        title = _("Editorial edition · %(date)s") % {"date": day}
    before = getattr(snapshot, "same_day_before", 0) or 0
    if before:
        title = _("%(title)s #%(number)d") % {"title": title, "number": before + 1}
    return title


def board_label(board: str, category=None) -> str:
    """What a board is called in menus: "Overall", "New this month", or the category's name."""
    if board == NEW:
        return _("New this month")
    if board == CATEGORY and category is not None:
        return category.name_in(get_language())
    return _("Overall")
