"""Reads of rankings shared by pages, the feed and the API."""

from django.db.models import Prefetch

from projects.models import Authorship

from .models import RankingEntry, RankingSnapshot


def entries_for_display(snapshot: RankingSnapshot):
    """A snapshot's entries in rank order with projects, credits and topics: three queries."""
    return (
        RankingEntry.objects.filter(snapshot=snapshot)
        .select_related("project")
        .prefetch_related(
            Prefetch(
                "project__authorships",
                queryset=Authorship.objects.select_related("author").order_by("position", "id"),
            ),
            "project__topics",
        )
        .order_by("rank")
    )


def snapshot_current() -> RankingSnapshot | None:
    """The newest published snapshot, or None before anything is published."""
    return RankingSnapshot.objects.published().newest_first().first()


def snapshot_published(*, pk: int) -> RankingSnapshot:
    """A published snapshot by id; raises RankingSnapshot.DoesNotExist."""
    return RankingSnapshot.objects.published().get(pk=pk)
