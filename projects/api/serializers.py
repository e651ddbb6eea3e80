from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from ..models import Author, Authorship, Project

CREDIT = {"name": "Charles Beattie", "slug": "charles-beattie", "kind": "person", "affiliation": "DeepMind"}


class AuthorCreditSerializer(serializers.ModelSerializer):
    """One credit on a project: the author's public facts, in credit order."""

    name = serializers.CharField(source="author.name")
    slug = serializers.CharField(source="author.slug")
    kind = serializers.ChoiceField(source="author.kind", choices=Author.Kind.choices)
    affiliation = serializers.CharField(source="author.affiliation")

    class Meta:
        model = Authorship
        fields = ["name", "slug", "kind", "affiliation"]


class ProjectSummarySerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True, help_text="Canonical owner/name on GitHub.")
    html_url = serializers.URLField(read_only=True)
    authors = AuthorCreditSerializer(source="authorships", many=True, read_only=True)

    class Meta:
        model = Project
        fields = ["slug", "name", "full_name", "html_url", "authors", "authors_et_al"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A project",
            value={
                "slug": "psychlab",
                "url": "https://mltop.example/api/projects/psychlab/",
                "name": "Psychlab",
                "full_name": "deepmind/lab",
                "html_url": "https://github.com/deepmind/lab/tree/HEAD/game_scripts/levels/contributed/psychlab",
                "description": "A psychology laboratory in DeepMind Lab.",
                "status": "tracked",
                "stars": 4774,
                "stars_gained_30d": 120,
                "archived": False,
                "missing": False,
                "topics": ["reinforcement-learning"],
                "authors": [CREDIT],
                "authors_et_al": True,
            },
            response_only=True,
        )
    ]
)
class ProjectListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-project-detail", lookup_field="slug")
    full_name = serializers.CharField(read_only=True, help_text="Canonical owner/name on GitHub.")
    html_url = serializers.URLField(read_only=True)
    missing = serializers.BooleanField(source="is_missing", read_only=True, help_text="GitHub answered 'not found'.")
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    authors = AuthorCreditSerializer(source="authorships", many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "slug",
            "url",
            "name",
            "full_name",
            "html_url",
            "description",
            "status",
            "stars",
            "stars_gained_30d",
            "archived",
            "missing",
            "topics",
            "authors",
            "authors_et_al",
        ]


class ProvenanceSerializer(serializers.ModelSerializer):
    """Where discovery found a project: the rule, the exact search, when, and its stars then."""

    rule = serializers.CharField(source="discovered_by.name", default=None, allow_null=True)
    query = serializers.CharField(source="discovered_query")
    found_at = serializers.DateTimeField(source="discovered_at")
    stars_when_found = serializers.IntegerField(source="discovered_stars", allow_null=True)
    stars_per_day = serializers.FloatField(allow_null=True, help_text="Stars per day since the repository was created.")

    class Meta:
        model = Project
        fields = ["rule", "query", "found_at", "stars_when_found", "stars_per_day"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A project in a folder of a repository",
            value={
                "slug": "psychlab",
                "url": "http://127.0.0.1:8000/api/projects/psychlab/",
                "name": "Psychlab",
                "full_name": "deepmind/lab",
                "sub_path": "game_scripts/levels/contributed/psychlab",
                "html_url": "https://github.com/deepmind/lab/tree/HEAD/game_scripts/levels/contributed/psychlab",
                "description": "A psychology laboratory in DeepMind Lab.",
                "status": "tracked",
                "status_reason": "",
                "stars": 5912,
                "forks": None,
                "watchers": None,
                "open_issues": None,
                "stars_gained_30d": None,
                "archived": False,
                "missing": False,
                "license": "",
                "language": "",
                "repo_created_at": None,
                "pushed_at": None,
                "last_fetched_at": None,
                "fetch_error": "",
                "topics": ["reinforcement-learning"],
                "paper_urls": ["https://arxiv.org/abs/1801.08116"],
                "demo_url": "",
                "authors": [CREDIT],
                "authors_et_al": True,
                "added_at": "2018-02-01T00:00:00Z",
                "provenance": None,
            },
            response_only=True,
        )
    ]
)
class ProjectDetailSerializer(ProjectListSerializer):
    provenance = serializers.SerializerMethodField(help_text="How discovery found it; null if an editor added it.")
    paper_urls = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="Links to papers.")
    demo_url = serializers.CharField(read_only=True, help_text="A demo's URL, or ''.")

    class Meta(ProjectListSerializer.Meta):
        fields = [
            *ProjectListSerializer.Meta.fields[:4],
            "sub_path",
            *ProjectListSerializer.Meta.fields[4:],
            "status_reason",
            "forks",
            "watchers",
            "open_issues",
            "license",
            "language",
            "repo_created_at",
            "pushed_at",
            "last_fetched_at",
            "fetch_error",
            "paper_urls",
            "demo_url",
            "added_at",
            "provenance",
        ]

    @extend_schema_field(ProvenanceSerializer(allow_null=True))
    def get_provenance(self, project):
        if project.discovered_at is None:
            return None
        return ProvenanceSerializer(project).data


class StrictCharField(serializers.CharField):
    """Text only: DRF would quietly turn a JSON number or boolean into a string."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_serializer(
    examples=[OpenApiExample("By URL", value={"url": "https://github.com/openai/gym"}, request_only=True)]
)
class ProjectCreateSerializer(serializers.Serializer):
    """What an editor sends to add a project: its GitHub URL, validated as in admin."""

    url = StrictCharField(max_length=500, help_text="https://github.com/OWNER/NAME or …/tree/BRANCH/PATH.")
    # No default (an empty one would contradict minLength 1 in the schema): left out, the
    # service names the project after its repository or folder.
    name = StrictCharField(max_length=200, required=False, help_text="Defaults to the repo name.")
    status = serializers.ChoiceField(choices=Project.Status.choices, default=Project.Status.TRACKED)
    description = StrictCharField(required=False, default="", allow_blank=True)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Exclude", value={"status": "excluded", "status_reason": "A fork of another project."}, request_only=True
        )
    ]
)
class ProjectStatusSerializer(serializers.Serializer):
    """An editorial status change."""

    status = serializers.ChoiceField(choices=Project.Status.choices)
    status_reason = StrictCharField(
        required=False, allow_blank=True, help_text="Shown publicly when a project is excluded."
    )


AUTHOR = {
    "slug": "charles-beattie",
    "url": "https://mltop.example/api/authors/charles-beattie/",
    "name": "Charles Beattie",
    "kind": "person",
    "github_login": "",
    "website": "",
    "affiliation": "DeepMind",
    "project_count": 1,
}


@extend_schema_serializer(examples=[OpenApiExample("An author", value=AUTHOR, response_only=True)])
class AuthorListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-author-detail", lookup_field="slug")
    website = serializers.CharField(source="url", read_only=True, help_text="The author's own page (a URL), or ''.")
    project_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Author
        fields = ["slug", "url", "name", "kind", "github_login", "website", "affiliation", "project_count"]


class AuthorProjectSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    html_url = serializers.URLField(read_only=True)

    class Meta:
        model = Project
        fields = ["slug", "name", "full_name", "html_url", "status", "stars"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An author and their projects",
            value={
                **AUTHOR,
                "projects": [
                    {
                        "slug": "psychlab",
                        "name": "Psychlab",
                        "full_name": "deepmind/lab",
                        "html_url": "https://github.com/deepmind/lab/tree/HEAD/game_scripts/levels/contributed/psychlab",
                        "status": "tracked",
                        "stars": 4774,
                    }
                ],
            },
            response_only=True,
        )
    ]
)
class AuthorDetailSerializer(AuthorListSerializer):
    projects = AuthorProjectSerializer(many=True, read_only=True)

    class Meta(AuthorListSerializer.Meta):
        fields = [*AuthorListSerializer.Meta.fields, "projects"]
