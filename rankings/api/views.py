from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from mltop.caching import cache_per_generation

from .. import selectors
from .serializers import RankingSnapshotDetailSerializer


@method_decorator(cache_per_generation(vary_on=("Accept",)), name="dispatch")
class CurrentRankingView(APIView):
    """The newest published ranking, entries in rank order."""

    @extend_schema(responses=RankingSnapshotDetailSerializer)
    def get(self, request):
        snapshot = selectors.snapshot_current()
        if snapshot is None:
            raise NotFound("No ranking has been published yet.")
        entries = selectors.entries_for_display(snapshot)
        return Response(RankingSnapshotDetailSerializer(snapshot, context={"entries": entries}).data)
