import django_filters

from ..models import RankingSnapshot


class SnapshotFilter(django_filters.FilterSet):
    """Published snapshots by the day they were taken (inclusive, UTC) and by origin."""

    since = django_filters.DateFilter(
        field_name="taken_at", lookup_expr="date__gte", help_text="Taken on or after this day (YYYY-MM-DD)."
    )
    until = django_filters.DateFilter(
        field_name="taken_at", lookup_expr="date__lte", help_text="Taken on or before this day (YYYY-MM-DD)."
    )
    origin = django_filters.ChoiceFilter(choices=RankingSnapshot.Origin.choices)

    class Meta:
        model = RankingSnapshot
        fields = ["since", "until", "origin"]
