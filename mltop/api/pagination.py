"""Page-number pagination with a page size the client may choose, up to a ceiling."""

from django.conf import settings
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from mltop.ids import MAX_ID, positive_number


class ApiPagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (capped at API_MAX_PAGE_SIZE); a bad value is a 400, never a silent default."""

    page_size_query_param = "page_size"

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = positive_number(raw)
        if size is None:
            raise ValidationError({"page_size": [f"Page size must be a whole number from 1 (got {raw[:40]!r})."]})
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if (positive_number(raw) or MAX_ID + 1) > MAX_ID:
            raise ValidationError({"page": [f"Page must be a whole number from 1 (got {raw[:40]!r})."]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:  # DRF's answer to a page past the end; the page number is the client's mistake
            raise ValidationError({"page": [f"Page {raw} does not exist."]}) from exc

    def get_schema_operation_parameters(self, view):
        # Both start at 1 (anything lower is a 400), and the schema says so.
        page, page_size = super().get_schema_operation_parameters(view)
        page["description"] = "A page number, from 1."
        page_size["description"] = (
            f"Results per page: {self.page_size} unless given, at most {self.max_page_size} (larger is capped)."
        )
        for parameter in (page, page_size):
            parameter["schema"] = {"type": "integer", "minimum": 1}
        return [page, page_size]
