from rest_framework import serializers

from projects.models import Authorship, Project

from ..models import RankingEntry, RankingSnapshot


class AuthorCreditSerializer(serializers.ModelSerializer):
    """One credit on a project: the author's public facts, in credit order."""

    name = serializers.CharField(source="author.name")
    slug = serializers.CharField(source="author.slug")
    kind = serializers.CharField(source="author.kind")
    affiliation = serializers.CharField(source="author.affiliation")

    class Meta:
        model = Authorship
        fields = ["name", "slug", "kind", "affiliation"]


class ProjectSummarySerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    html_url = serializers.URLField(read_only=True)
    authors = AuthorCreditSerializer(source="authorships", many=True, read_only=True)

    class Meta:
        model = Project
        fields = ["slug", "name", "full_name", "html_url", "authors", "authors_et_al"]


class RankingEntrySerializer(serializers.ModelSerializer):
    project = ProjectSummarySerializer(read_only=True)

    class Meta:
        model = RankingEntry
        fields = ["rank", "score", "stars", "project"]


class RankingSnapshotDetailSerializer(serializers.ModelSerializer):
    entries = serializers.SerializerMethodField()

    class Meta:
        model = RankingSnapshot
        fields = ["id", "title", "taken_at", "origin", "entries"]

    def get_entries(self, snapshot) -> list[dict]:
        return RankingEntrySerializer(self.context["entries"], many=True).data
