from django.utils import translation
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from projects.api.serializers import ProjectSummarySerializer
from projects.models import Category

from ..models import RankingEntry, RankingSnapshot
from ..selectors import movement


class BreakdownComponentSerializer(serializers.Serializer):
    """One scoring component: its normalised value (0..1), weight and contribution (value × weight)."""

    value = serializers.FloatField()
    weight = serializers.FloatField()
    contribution = serializers.FloatField()


MOVEMENTS = ["new", "up", "down", "same"]

DETECTRON = {
    "slug": "detectron",
    "name": "Detectron",
    "full_name": "facebookresearch/Detectron",
    "html_url": "https://github.com/facebookresearch/Detectron",
    "authors": [
        {"name": "Facebook AI Research", "slug": "facebook-ai-research", "kind": "organization", "affiliation": ""}
    ],
    "authors_et_al": False,
}
SNAPSHOT_REF = {"id": 2, "title": "Top 10 · March 2018", "taken_at": "2018-03-01T00:00:00Z", "origin": "computed"}


CATEGORY_HELP = "The field's slug on a category board; null on the others."


class RankingEntrySerializer(serializers.ModelSerializer):
    """An entry: rank and movement, score with its breakdown, the figures behind it, the blurb."""

    project = ProjectSummarySerializer(read_only=True)
    breakdown = serializers.DictField(
        child=BreakdownComponentSerializer(),
        help_text="Component name (popularity, momentum, engagement, recency) to its part of the score; "
        "empty for editorial editions.",
    )
    movement = serializers.SerializerMethodField(
        help_text="Against the previous published snapshot: new, up, down or same; null in the first one."
    )
    delta = serializers.SerializerMethodField(help_text="Places gained since the previous snapshot (negative: lost).")

    class Meta:
        model = RankingEntry
        fields = [
            "rank",
            "previous_rank",
            "movement",
            "delta",
            "score",
            "breakdown",
            "stars",
            "stars_gained_30d",
            "stars_gained_365d",
            "blurb",
            "project",
        ]

    def _movement(self, entry):
        has_previous = self.context.get("has_previous", False)
        return movement(rank=entry.rank, previous_rank=entry.previous_rank, has_previous=has_previous)

    @extend_schema_field(serializers.ChoiceField(choices=MOVEMENTS, allow_null=True))
    def get_movement(self, entry):
        # None, not "", in the first snapshot ever published, where movement means nothing.
        return self._movement(entry).kind or None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_delta(self, entry):
        return self._movement(entry).delta


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A published ranking",
            value={
                "id": 1,
                "url": "https://mltop.example/api/rankings/1/",
                "title": "Mybridge Top 10 · February 2018",
                "taken_at": "2018-02-01T00:00:00Z",
                "origin": "editorial",
                "method": "mybridge-editorial",
                "published_at": "2018-02-01T00:00:00Z",
                "entry_count": 10,
            },
            response_only=True,
        )
    ]
)
def title_field():
    return serializers.SerializerMethodField(
        help_text="As an editor typed it, or generated from the board, origin and date, always in English "
        "(the pages give it in the reader's language); a second one of the same origin and day ends in “#2”."
    )


class TitleMixin:
    def get_title(self, snapshot) -> str:
        # English whatever the request's language: API bodies are cached and shared without Vary.
        with translation.override("en"):
            return snapshot.display_title


class RankingSnapshotSerializer(TitleMixin, serializers.ModelSerializer):
    """A published snapshot as listed: no entries, a link to them."""

    url = serializers.HyperlinkedIdentityField(view_name="api-ranking-detail")
    title = title_field()
    entry_count = serializers.IntegerField(read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True, help_text=CATEGORY_HELP)

    class Meta:
        model = RankingSnapshot
        fields = [
            "id",
            "url",
            "title",
            "board",
            "period",
            "category",
            "taken_at",
            "origin",
            "method",
            "published_at",
            "entry_count",
        ]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An editorial edition",
            value={
                "id": 1,
                "title": "Mybridge Top 10 · February 2018",
                "taken_at": "2018-02-01T00:00:00Z",
                "origin": "editorial",
                "status": "published",
                "method": "",
                "weights": {},
                "notes": "",
                "published_at": "2018-02-01T00:00:00Z",
                "entries": [
                    {
                        "rank": 1,
                        "previous_rank": None,
                        "movement": None,
                        "delta": None,
                        "score": None,
                        "breakdown": {},
                        "stars": 11248,
                        "stars_gained_30d": None,
                        "stars_gained_365d": None,
                        "blurb": "",
                        "project": DETECTRON,
                    }
                ],
            },
            response_only=True,
        )
    ]
)
class CoverageSerializer(serializers.Serializer):
    """What a computed snapshot considered and why the rest is not ranked; empty for editorial editions."""

    considered = serializers.IntegerField(help_text="Projects in the catalogue (candidates aside) on the as-of date.")
    ranked = serializers.IntegerField()
    left_out = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Projects not ranked, by reason: under_star_floor, archived, inactive, excluded, missing, "
        "no_figures, below_top_k.",
    )

    def to_representation(self, coverage):
        if not coverage:
            return None
        left_out = {code: item["count"] for code, item in coverage.get("left_out", {}).items()}
        return {"considered": coverage["considered"], "ranked": coverage["ranked"], "left_out": left_out}


class RankingSnapshotDetailSerializer(TitleMixin, serializers.ModelSerializer):
    """A snapshot with its entries in rank order (the view passes them prefetched in the context)."""

    title = title_field()
    entries = serializers.SerializerMethodField()
    coverage = CoverageSerializer(read_only=True, allow_null=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True, help_text=CATEGORY_HELP)

    class Meta:
        model = RankingSnapshot
        fields = [
            "id",
            "title",
            "board",
            "period",
            "category",
            "taken_at",
            "origin",
            "status",
            "method",
            "weights",
            "notes",
            "published_at",
            "coverage",
            "entries",
        ]

    @extend_schema_field(RankingEntrySerializer(many=True))
    def get_entries(self, snapshot) -> list[dict]:
        context = {"has_previous": getattr(snapshot, "has_previous", False)}
        return RankingEntrySerializer(self.context["entries"], many=True, context=context).data


class SnapshotRefSerializer(TitleMixin, serializers.ModelSerializer):
    title = title_field()

    class Meta:
        model = RankingSnapshot
        fields = ["id", "title", "board", "period", "taken_at", "origin"]


class RankChangeSerializer(serializers.Serializer):
    project = ProjectSummarySerializer()
    rank_a = serializers.IntegerField(allow_null=True, help_text="Rank in snapshot a (null: not in it).")
    rank_b = serializers.IntegerField(allow_null=True, help_text="Rank in snapshot b (null: not in it).")
    delta = serializers.IntegerField(allow_null=True, help_text="Places gained from a to b (negative: lost).")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "From February to March 2018",
            value={
                "a": {**SNAPSHOT_REF, "id": 1, "title": "Mybridge Top 10 · February 2018", "origin": "editorial"},
                "b": SNAPSHOT_REF,
                "entered": [],
                "left": [],
                "moved": [{"project": DETECTRON, "rank_a": 1, "rank_b": 3, "delta": -2}],
            },
            response_only=True,
        )
    ]
)
class SnapshotComparisonSerializer(serializers.Serializer):
    a = SnapshotRefSerializer()
    b = SnapshotRefSerializer()
    entered = RankChangeSerializer(many=True, help_text="In b but not in a, by rank in b.")
    left = RankChangeSerializer(many=True, help_text="In a but not in b, by rank in a.")
    moved = RankChangeSerializer(many=True, help_text="In both at different ranks, by rank in b.")


class CompareQuerySerializer(serializers.Serializer):
    a = serializers.IntegerField(min_value=1, max_value=2**62, help_text="Id of the earlier published snapshot.")
    b = serializers.IntegerField(min_value=1, max_value=2**62, help_text="Id of the later published snapshot.")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Detectron in March 2018",
            value={"snapshot": SNAPSHOT_REF, "rank": 3, "previous_rank": 1, "score": 0.71, "stars": 12004},
            response_only=True,
        )
    ]
)
class ProjectRankSerializer(serializers.ModelSerializer):
    """A project's place in one published snapshot."""

    snapshot = SnapshotRefSerializer()

    class Meta:
        model = RankingEntry
        fields = ["snapshot", "rank", "previous_rank", "score", "stars"]


class CategorySerializer(serializers.ModelSerializer):
    """A field: its names and descriptions, the GitHub topics that map to it, a link to its board."""

    url = serializers.HyperlinkedIdentityField(view_name="api-category-detail", lookup_field="slug")
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["slug", "url", "name_en", "name_zh", "description_en", "description_zh", "topics"]


class CategoryDetailSerializer(CategorySerializer):
    """A field with its current board (its newest published top 10), null before one is published."""

    current = serializers.SerializerMethodField()

    class Meta(CategorySerializer.Meta):
        fields = [*CategorySerializer.Meta.fields, "current"]

    @extend_schema_field(RankingSnapshotDetailSerializer(allow_null=True))
    def get_current(self, category):
        snapshot = self.context.get("current")
        if snapshot is None:
            return None
        return RankingSnapshotDetailSerializer(snapshot, context={"entries": self.context["entries"]}).data
