"""Titles and subtitles of snapshots, generated at render time in the reader's language.

One function keyed on the board, so every page, the feed and the API word a board the same
way, and a stored English title is never what a Chinese reader sees. Editorial snapshots of
the overall board keep the title their editors gave them.
"""

import datetime as dt

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

OVERALL, NEW, CATEGORY = "overall", "new", "category"


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
    return snapshot.title


def board_label(board: str, category=None) -> str:
    """What a board is called in menus: "Overall", "New this month", or the category's name."""
    if board == NEW:
        return _("New this month")
    if board == CATEGORY and category is not None:
        return category.name_in(get_language())
    return _("Overall")
