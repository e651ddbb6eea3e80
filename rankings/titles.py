"""Titles of snapshots, made at render time in the reader's language.

One home for every generated title, so boards (overall, new, category) can add theirs here.
A title an editor typed (the seed's "Mybridge Top 10 · February 2018") is stored and shown
as typed; a snapshot whose stored title is empty gets one generated from its fields:

- computed: "Computed ranking · <date>", the date it was taken (its as-of day);
- editorial: "Editorial edition · <date>".

Two published snapshots of one origin and day would share a title: from the second on, it
ends in " #2", " #3"… in the order they were taken. That order comes from the
``same_day_before`` annotation (``RankingSnapshotQuerySet.with_title_order()``); without it
(a snapshot loaded through another row) no number is added.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Origins as stored (RankingSnapshot.Origin): this module is imported by models.py.
COMPUTED, EDITORIAL = "computed", "editorial"


def snapshot_title(snapshot) -> str:
    """The snapshot's title in the active language."""
    if snapshot.title:
        return snapshot.title
    day = date_format(timezone.localtime(snapshot.taken_at).date(), "DATE_FORMAT")
    if snapshot.origin == COMPUTED:
        title = _("Computed ranking · %(date)s") % {"date": day}
    else:
        title = _("Editorial edition · %(date)s") % {"date": day}
    before = getattr(snapshot, "same_day_before", 0) or 0
    if before:
        title = _("%(title)s #%(number)d") % {"title": title, "number": before + 1}
    return title
