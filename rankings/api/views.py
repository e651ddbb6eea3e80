from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from mltop.api.http import ConditionalGetMixin, RenderedBody
from mltop.api.permissions import ModelPermissionsOrAnonReadOnly
from mltop.caching import compute_once, generation, local_copies
from mltop.ids import MAX_ID, bounded_id
from mltop.responsecopies import keep_copy
from projects.api.views import PROJECT_SLUG
from projects.api.views import ProjectViewSet as CatalogueProjectViewSet
from projects.models import Category
from stats.api.views import ProjectStatsMixin

from .. import selectors, services
from ..models import RankingSnapshot
from ..selectors import boards as board_selectors
from .filters import SnapshotFilter
from .serializers import (
    CategoryDetailSerializer,
    CategorySerializer,
    CompareQuerySerializer,
    ProjectRankSerializer,
    RankingSnapshotDetailSerializer,
    RankingSnapshotSerializer,
    SnapshotComparisonSerializer,
)

SNAPSHOT_ID = OpenApiParameter(
    "id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="Snapshot id.",
    examples=[OpenApiExample("The first edition", value=1)],
)


def _current_snapshot():
    snapshot = selectors.snapshot_current()
    if snapshot is None:
        raise NotFound("No ranking has been published yet.")
    return snapshot


class PublishPermission(ModelPermissionsOrAnonReadOnly):
    """Publishing changes a snapshot, so a POST to publish/unpublish needs the *change* permission."""

    perms_map = {**ModelPermissionsOrAnonReadOnly.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


@extend_schema_view(
    list=extend_schema(summary="Published rankings, newest first"),
    retrieve=extend_schema(summary="One published ranking with its entries", parameters=[SNAPSHOT_ID]),
)
class RankingSnapshotViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Published ranking snapshots. Drafts never appear here, whoever asks."""

    serializer_class = RankingSnapshotSerializer
    filterset_class = SnapshotFilter
    permission_classes = [PublishPermission]
    lookup_value_regex = r"\d+"
    queryset = RankingSnapshot.objects.none()  # for the permission class; get_queryset() is what is read

    def get_queryset(self):
        if self.action in ("publish", "unpublish"):
            return selectors.snapshots_all()
        return selectors.snapshots_published()

    def get_serializer_class(self):
        if self.action in ("retrieve", "current", "publish", "unpublish"):
            return RankingSnapshotDetailSerializer
        return super().get_serializer_class()

    def row_last_modified(self, snapshot):
        return snapshot.published_at or snapshot.taken_at

    def cache_seconds(self):
        # A published snapshot is frozen: a CDN may keep it long; the newest one changes at each publish.
        if self.action == "retrieve":
            return settings.API_CACHE_MAX_AGE, settings.API_SNAPSHOT_CDN_MAX_AGE
        return super().cache_seconds()

    def _cached_detail(self, name: str, load_snapshot):
        """A ranking's body from the cache, or built and cached under the rankings generation.

        Publishing or unpublishing bumps the generation, which is all that can change which
        snapshot is current or what a published one shows, bar an edit of a project's name or
        credits: that shows within API_RANKINGS_CACHE_SECONDS.
        """

        def build():
            snapshot = load_snapshot()
            entries = selectors.entries_for_display(snapshot)
            data = RankingSnapshotDetailSerializer(snapshot, context={"entries": entries}).data
            return RenderedBody.of(data, last_modified=snapshot.published_at or snapshot.taken_at)

        current = generation()
        if current is None:
            return self.rendered_response(build())
        key = f"api:rankings:body:{current}:{name}"
        body = compute_once(key, build, timeout=settings.API_RANKINGS_CACHE_SECONDS, local=True)
        # The whole response may be kept for as long as this process keeps the body (mltop/responsecopies.py).
        keep_copy(self.request, until=local_copies.expires_at(key))
        return self.rendered_response(body)

    def retrieve(self, request, *args, **kwargs):
        # An id no row can have is a 404 before it becomes part of a cache key.
        if bounded_id(kwargs["pk"]) > MAX_ID:
            raise NotFound("No published snapshot with that id.")
        return self._cached_detail(f"snapshot:{kwargs['pk']}", self.get_object)

    @extend_schema(
        summary="The newest published ranking",
        responses={
            200: RankingSnapshotDetailSerializer,
            404: OpenApiResponse(description="No ranking has been published yet."),
        },
    )
    @action(detail=False, filterset_class=None, pagination_class=None)
    def current(self, request):
        return self._cached_detail("current", _current_snapshot)

    @extend_schema(
        summary="Compare two published rankings",
        parameters=[CompareQuerySerializer],
        responses={
            200: SnapshotComparisonSerializer,
            404: OpenApiResponse(description="No published snapshot with one of the ids."),
        },
    )
    @action(detail=False, filterset_class=None, pagination_class=None)
    def compare(self, request):
        query = CompareQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        a_id, b_id = query.validated_data["a"], query.validated_data["b"]
        try:
            comparison = selectors.snapshot_compare(a=a_id, b=b_id, with_credits=True)
        except RankingSnapshot.DoesNotExist as exc:
            raise NotFound(str(exc)) from None
        self.last_modified = max(s.published_at or s.taken_at for s in (comparison.a, comparison.b))
        return Response(SnapshotComparisonSerializer(comparison).data)

    @extend_schema(summary="Publish a draft snapshot (editors)", request=None, parameters=[SNAPSHOT_ID])
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        snapshot = services.snapshot_publish(snapshot=self.get_object())
        return self._written(snapshot)

    @extend_schema(summary="Unpublish a snapshot: it becomes a draft (editors)", request=None, parameters=[SNAPSHOT_ID])
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        snapshot = services.snapshot_unpublish(snapshot=self.get_object())
        return self._written(snapshot)

    def _written(self, snapshot):
        snapshot = self.get_queryset().get(pk=snapshot.pk)
        entries = selectors.entries_for_display(snapshot)
        return Response(RankingSnapshotDetailSerializer(snapshot, context={"entries": entries}).data)


class ProjectRanksMixin:
    """``/api/projects/<slug>/ranks/``: the project viewset's place in each published snapshot."""

    @extend_schema(
        summary="A project's rank in each published snapshot, oldest first",
        parameters=[PROJECT_SLUG],
        responses=ProjectRankSerializer(many=True),
    )
    @action(detail=True, filterset_class=None, pagination_class=None)
    def ranks(self, request, slug=None):
        project = self.get_object()
        entries = selectors.project_rank_history(project_id=project.pk)
        if entries:
            self.last_modified = max(e.snapshot.published_at or e.snapshot.taken_at for e in entries)
        return Response(ProjectRankSerializer(entries, many=True).data)


class ProjectViewSet(ProjectRanksMixin, ProjectStatsMixin, CatalogueProjectViewSet):
    """The catalogue: readable by anyone; editors with model permissions add projects and set their status."""


CATEGORY_SLUG = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The field's slug, e.g. computer-vision."
)


@extend_schema_view(
    list=extend_schema(summary="Fields (categories) with their GitHub topics"),
    retrieve=extend_schema(summary="One field with its current top 10", parameters=[CATEGORY_SLUG]),
)
class CategoryViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Fields of machine learning, each with a daily top 10 (board=category in /api/rankings/)."""

    serializer_class = CategorySerializer
    permission_classes = [ModelPermissionsOrAnonReadOnly]
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_class = None
    queryset = Category.objects.none()

    def get_queryset(self):
        return Category.objects.filter(active=True).prefetch_related("topics")

    def get_serializer_class(self):
        return CategoryDetailSerializer if self.action == "retrieve" else CategorySerializer

    def retrieve(self, request, *args, **kwargs):
        category = self.get_object()
        snapshot = board_selectors.category_current_snapshot(category)
        context = {**self.get_serializer_context(), "current": None, "entries": []}
        if snapshot is not None:
            snapshot.category = category
            context.update(current=snapshot, entries=selectors.entries_for_display(snapshot))
            self.last_modified = snapshot.published_at or snapshot.taken_at
        return Response(CategoryDetailSerializer(category, context=context).data)
