"""Reads of rankings shared by pages, the feed, the API and the services, grouped by what they read:

- ``snapshots``: published, current, previous, the feed's, re-deriving a computed one;
- ``entries``: a snapshot's entries, how an entry moved, how two snapshots differ;
- ``projects``: live star figures, a project's current rank and its rank and star history;
- ``pages``: what each reader page shows, in a fixed number of queries.

Callers import from here (``from rankings import selectors``); cached page data pickles
under these names too.
"""

from .entries import (
    Comparison,
    Movement,
    RankChange,
    compare_entries,
    entries_for_display,
    movement,
    snapshot_compare,
)
from .pages import (
    ARCHIVE_PAGE_SIZE,
    ArchivePage,
    ProjectPage,
    RankingPage,
    project_page,
    snapshot_archive_page,
    snapshot_current_page,
    snapshot_draft_page,
    snapshot_page,
)
from .projects import (
    GAIN_DAYS,
    SPARKLINE_SAMPLES,
    project_current_rank,
    project_rank_history,
    project_star_history,
    projects_removed,
    sparkline_samples,
    with_star_figures,
)
from .snapshots import (
    TOP_N,
    feed_snapshots,
    previous_published,
    published_index,
    published_neighbour,
    published_recent,
    snapshot_current,
    snapshot_current_id,
    snapshot_rederive,
    snapshots_all,
    snapshots_published,
)

__all__ = [
    "ARCHIVE_PAGE_SIZE",
    "GAIN_DAYS",
    "SPARKLINE_SAMPLES",
    "TOP_N",
    "ArchivePage",
    "Comparison",
    "Movement",
    "ProjectPage",
    "RankChange",
    "RankingPage",
    "compare_entries",
    "entries_for_display",
    "feed_snapshots",
    "movement",
    "previous_published",
    "project_current_rank",
    "project_page",
    "project_rank_history",
    "project_star_history",
    "projects_removed",
    "published_index",
    "published_neighbour",
    "published_recent",
    "snapshot_archive_page",
    "snapshot_compare",
    "snapshot_current",
    "snapshot_current_id",
    "snapshot_current_page",
    "snapshot_page",
    "snapshot_draft_page",
    "snapshot_rederive",
    "snapshots_all",
    "snapshots_published",
    "sparkline_samples",
    "with_star_figures",
]
