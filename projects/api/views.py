from django.conf import settings
from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.response import Response

from mltop.api.exceptions import request_errors
from mltop.api.http import ConditionalGetMixin
from mltop.api.pagination import KeysetPagination
from mltop.api.permissions import ModelPermissionsOrAnonReadOnly

from .. import selectors, services
from ..models import Author, Project
from .filters import AuthorFilter, ProjectFilter
from .serializers import (
    AuthorDetailSerializer,
    AuthorListSerializer,
    ProjectCreateSerializer,
    ProjectDetailSerializer,
    ProjectListSerializer,
    ProjectStatusSerializer,
)

SLUG_REGEX = r"[-a-zA-Z0-9_]+"
# What the service and the model check, named as the client sent it: the repository's parts
# all come from ``url``, the slug from ``name``.
CREATE_ERROR_FIELDS = {
    "repo_url": "url",
    "repo_owner": "url",
    "repo_name": "url",
    "sub_path": "url",
    "slug": "name",
}
PROJECT_SLUG = OpenApiParameter(
    "slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=f"^{SLUG_REGEX}$",
    description="Project slug.",
    examples=[OpenApiExample("Psychlab", value="psychlab")],
)
AUTHOR_SLUG = OpenApiParameter(
    "slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=f"^{SLUG_REGEX}$",
    description="Author slug.",
    examples=[OpenApiExample("Charles Beattie", value="charles-beattie")],
)


@extend_schema_view(
    list=extend_schema(summary="Projects in the catalogue"),
    retrieve=extend_schema(summary="One project", parameters=[PROJECT_SLUG]),
)
class ProjectViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """The catalogue: readable by anyone; editors with model permissions add projects and set their status."""

    queryset = Project.objects.none()
    serializer_class = ProjectListSerializer
    filterset_class = ProjectFilter
    permission_classes = [ModelPermissionsOrAnonReadOnly]
    # The whole catalogue (hundreds of thousands of projects) in any of its orders: a page is
    # read from an index where the last one ended, at any depth, with no COUNT(*) per request.
    pagination_class = KeysetPagination
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX

    def get_queryset(self):
        # Candidates (discovery's queue) are for editors: a token with the view permission.
        if self.action in ("stats", "ranks"):
            return Project.objects.visible_to(self.request.user)
        return selectors.projects_for_api().visible_to(self.request.user).order_by("name", "pk")

    def get_serializer_class(self):
        return ProjectDetailSerializer if self.action != "list" else ProjectListSerializer

    def row_last_modified(self, project):
        return project_last_modified(project)

    def list(self, request, *args, **kwargs):
        # Figures change with refreshes, not publishes: kept as long as any CDN may keep them.
        build = super().list
        return self.cached_by_url(request, lambda: build(request, *args, **kwargs), timeout=settings.API_CACHE_MAX_AGE)

    def retrieve(self, request, *args, **kwargs):
        project = self.get_object()
        self.last_modified = project_last_modified(project)  # projects_for_api() joins the discovery rule
        return Response(ProjectDetailSerializer(project, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Add a project by its GitHub URL (editors)",
        request=ProjectCreateSerializer,
        responses={201: ProjectDetailSerializer},
    )
    def create(self, request):
        data = validated(ProjectCreateSerializer, request.data)
        try:
            project = services.project_create_from_url(**data)
        except ValidationError as exc:
            raise request_errors(exc, CREATE_ERROR_FIELDS) from exc
        data = self._detail_data(project.slug)
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["url"]})

    @extend_schema(
        summary="Change a project's editorial status (editors)",
        parameters=[PROJECT_SLUG],
        request=ProjectStatusSerializer,
        responses=ProjectDetailSerializer,
    )
    def partial_update(self, request, slug=None):
        project = self.get_object()
        # PATCH: each field is optional (as the schema's PatchedProjectStatusRequest says);
        # what is left out stays as it is.
        data = validated(ProjectStatusSerializer, request.data, partial=True)
        new_status = data.get("status", project.status)
        services.project_set_status(project=project, status=new_status, reason=data.get("status_reason"))
        return Response(self._detail_data(project.slug))

    def _detail_data(self, slug):
        project = selectors.projects_for_api().select_related("discovered_by").get(slug=slug)
        return ProjectDetailSerializer(project, context=self.get_serializer_context()).data


@extend_schema_view(
    list=extend_schema(summary="Authors and organisations credited with projects"),
    retrieve=extend_schema(summary="One author with their projects", parameters=[AUTHOR_SLUG]),
)
class AuthorViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """People and organisations credited with projects, with how many projects each is credited on."""

    queryset = Author.objects.none()
    serializer_class = AuthorListSerializer
    filterset_class = AuthorFilter
    permission_classes = [ModelPermissionsOrAnonReadOnly]  # read-only: any write is a 405
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.author_with_projects()
        return selectors.authors_with_project_count().order_by("name", "pk")

    def get_serializer_class(self):
        return AuthorDetailSerializer if self.action == "retrieve" else AuthorListSerializer


def validated(serializer_class, data, *, partial: bool = False) -> dict:
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def project_last_modified(project):
    """Fetches and additions are the changes we can date; editorial edits change the ETag instead."""
    return max(filter(None, [project.added_at, project.last_fetched_at]))
