from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from projects.api.views import PROJECT_SLUG, project_last_modified, validated

from .. import selectors
from .serializers import ProjectStatsSerializer, StatsQuerySerializer


class ProjectStatsMixin:
    """``/api/projects/<slug>/stats/``: the project viewset's figures over time."""

    @extend_schema(
        summary="A project's figures over time, one point per day, week or month",
        parameters=[PROJECT_SLUG, StatsQuerySerializer],
        responses=ProjectStatsSerializer,
    )
    @action(detail=True, filterset_class=None, pagination_class=None)
    def stats(self, request, slug=None):
        query = validated(StatsQuerySerializer, request.query_params)

        def build():
            project = self.get_object()
            self.last_modified = project_last_modified(project)
            points = selectors.project_stats_series(project=project, **query)
            body = {"project": project.slug, "since": None, "until": None, **query, "points": points}
            return ProjectStatsSerializer(body).data

        return self.cached_by_url(request, build, timeout=settings.API_CACHE_MAX_AGE)
