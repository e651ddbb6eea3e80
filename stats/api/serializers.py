from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from mltop.api.fields import QueryChoiceField, QueryDateField


class StatsQuerySerializer(serializers.Serializer):
    since = QueryDateField(required=False, help_text="First day (YYYY-MM-DD), inclusive.")
    until = QueryDateField(required=False, help_text="Last day (YYYY-MM-DD), inclusive.")
    interval = QueryChoiceField(choices=["day", "week", "month"], default="day", help_text="Period per point.")

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise serializers.ValidationError({"since": ["since must be on or before until."]})
        return attrs


class StatsPointSerializer(serializers.Serializer):
    period = serializers.DateField(help_text="First day of the period.")
    stars = serializers.IntegerField(help_text="Highest star count captured in the period.")
    forks = serializers.IntegerField(allow_null=True)
    watchers = serializers.IntegerField(allow_null=True)
    open_issues = serializers.IntegerField(allow_null=True)
    samples = serializers.IntegerField(help_text="Captures aggregated into this point.")
    source = serializers.ChoiceField(
        choices=["observed", "import", "backfill"],
        help_text=(
            "Where the point's figures come from: observed (MLTop's own refresh), import (loaded "
            "from a CSV or a published article) or backfill (GitHub's star history: stars only, "
            "forks and watchers null). The best source of the period's samples."
        ),
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "By month",
            value={
                "project": "psychlab",
                "interval": "month",
                "since": "2018-01-01",
                "until": None,
                "points": [
                    {
                        "period": "2018-02-01",
                        "stars": 4774,
                        "forks": 1400,
                        "watchers": 380,
                        "open_issues": 52,
                        "samples": 1,
                        "source": "import",
                    },
                    {
                        "period": "2018-03-01",
                        "stars": 5012,
                        "forks": 1431,
                        "watchers": 391,
                        "open_issues": 49,
                        "samples": 31,
                        "source": "observed",
                    },
                ],
            },
            response_only=True,
        )
    ]
)
class ProjectStatsSerializer(serializers.Serializer):
    project = serializers.SlugField()
    interval = serializers.ChoiceField(choices=["day", "week", "month"])
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True)
    points = StatsPointSerializer(many=True)
