import django_filters

from mltop.api.filters import StrictChoiceFilter, StrictDateFilter

from ..models import RankingSnapshot


class SnapshotFilter(django_filters.FilterSet):
    """Published snapshots by the day they were taken (inclusive, UTC) and by origin."""

    since = StrictDateFilter(
        field_name="taken_at", lookup_expr="date__gte", help_text="Taken on or after this day (YYYY-MM-DD)."
    )
    until = StrictDateFilter(
        field_name="taken_at", lookup_expr="date__lte", help_text="Taken on or before this day (YYYY-MM-DD)."
    )
    origin = StrictChoiceFilter(choices=RankingSnapshot.Origin.choices)
    board = StrictChoiceFilter(choices=RankingSnapshot.Board.choices, help_text="overall, new or category.")
    period = django_filters.CharFilter(
        max_length=10, help_text="A newcomers' month (YYYY-MM) or a daily board's day (YYYY-MM-DD)."
    )
    category = django_filters.CharFilter(
        field_name="category__slug", max_length=60, help_text="A field's slug (category boards)."
    )

    class Meta:
        model = RankingSnapshot
        fields = ["since", "until", "origin", "board", "period", "category"]
