"""Pagination of API lists: page numbers, or keyset (cursor) pages for the catalogue; a page
size the client may choose, up to a ceiling."""

import base64
import binascii
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, OrderBy, Q, prefetch_related_objects
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

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


# The longest text a cursor may carry: longer than any name the catalogue holds.
MAX_TEXT = 1000


class CursorInvalid(ValidationError):
    def __init__(self, why: str):
        super().__init__({"cursor": [f"Not a cursor of this list ({why}): follow the “next” and “previous” links."]})


@dataclass(frozen=True)
class SortKey:
    """One column of a list's order. NULLs come last going forward (the ordering filter's rule)."""

    field: str
    descending: bool
    nullable: bool
    kind: type  # int or str: what a cursor may hold for it


class KeysetPagination(ApiPagination):
    """Pages that start where the last one ended (keyset, or "cursor", pagination).

    A page is found from the sort values of the row before it, not by counting rows: with an
    index on the order, the 500th page costs what the first does, and no COUNT(*) runs over the
    catalogue (so the response has no ``count``). The order is the queryset's own (the ordering
    filter's columns, NULLs last, then ``pk``); ``next`` and ``previous`` carry an opaque
    ``cursor``: base64 of the position and direction. ``?page=`` is refused with a 400 that
    names the cursor: a page number would need the OFFSET and COUNT this replaces.
    """

    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        if self.page_query_param in request.query_params:
            raise ValidationError(
                {self.page_query_param: ["This list pages by cursor: follow the “next” and “previous” links."]}
            )
        self.request = request
        self.page_size = self.get_page_size(request)
        keys = sort_keys(queryset)
        signature = ",".join(("-" if k.descending else "") + k.field for k in keys)
        position, backwards = self._decode(request.query_params.get(self.cursor_query_param), signature, keys)
        rows = keyset_rows(queryset, keys, position, backwards=backwards, limit=self.page_size + 1)
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
        self.signature, self.keys = signature, keys
        # Going forward there is a previous page if we came from one; going back, a next one.
        self.next_position = _values(rows[-1], keys) if rows and (more if not backwards else True) else None
        self.previous_position = _values(rows[0], keys) if rows and (more if backwards else position) else None
        return rows

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self._link(self.next_position, backwards=False),
                "previous": self._link(self.previous_position, backwards=True),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {
                    **link,
                    "example": "http://api.example.org/projects/?cursor=eyJvIjoibmFtZSxwayIsInAiOlsiQSIsMV19",
                },
                "previous": {**link, "example": None},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        cursor = {
            "name": self.cursor_query_param,
            "required": False,
            "in": "query",
            "description": "Where a page starts: take it from a response's “next” or “previous” link.",
            "schema": {"type": "string"},
        }
        page_size = ApiPagination.get_schema_operation_parameters(self, view)[1]
        return [cursor, page_size]

    def _link(self, position, *, backwards: bool):
        if position is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, encode_cursor(self.signature, position, backwards))

    @staticmethod
    def _decode(token: str | None, signature: str, keys: list[SortKey]) -> tuple[list | None, bool]:
        if token is None:
            return None, False
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            order, position, backwards = data["o"], data["p"], data["b"]
        except (ValueError, TypeError, KeyError, binascii.Error):
            raise CursorInvalid("unreadable") from None
        if order != signature:
            raise CursorInvalid("made for another ordering")
        if not isinstance(backwards, bool) or not isinstance(position, list) or len(position) != len(keys):
            raise CursorInvalid("unreadable")
        if not all(_fits(key, value) for key, value in zip(keys, position, strict=True)):
            raise CursorInvalid("unreadable")
        return position, backwards


def encode_cursor(signature: str, position: list, backwards: bool = False) -> str:
    """The opaque ``cursor`` of a page after ``position`` (before it, ``backwards``) in the order
    ``signature`` names (``-stars,pk``)."""
    raw = json.dumps({"o": signature, "p": position, "b": backwards}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def sort_keys(queryset) -> list[SortKey]:
    """The queryset's order as columns of its model, ending with ``pk`` (added when missing)."""
    meta = queryset.model._meta
    keys = []
    for item in queryset.query.order_by or ():
        if isinstance(item, str):
            descending, name = item.startswith("-"), item.lstrip("-")
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            descending, name = item.descending, item.expression.name
        else:
            raise TypeError(f"Keyset pagination needs an order by columns, not {item!r}.")
        if name == "pk" or name == meta.pk.name:
            return [*keys, SortKey("pk", descending, nullable=False, kind=int)]
        field = meta.get_field(name)
        keys.append(SortKey(name, descending, nullable=field.null, kind=_kind(field)))
    return [*keys, SortKey("pk", False, nullable=False, kind=int)]


def _kind(field) -> type:
    if isinstance(field, models.IntegerField):
        return int
    if isinstance(field, models.CharField | models.TextField):
        return str
    raise TypeError(f"Keyset pagination orders by whole numbers and text, not by {field!r}.")


def _fits(key: SortKey, value) -> bool:
    """Whether a cursor's value can stand in the key's column (else the database would refuse it)."""
    if value is None:
        return key.nullable
    if type(value) is not key.kind:  # bool is an int too: not accepted
        return False
    if key.kind is int:
        return -MAX_ID - 1 <= value <= MAX_ID
    return len(value) <= MAX_TEXT and "\x00" not in value  # PostgreSQL text holds no NUL


def keyset_rows(queryset, keys: list[SortKey], position: list | None, *, backwards: bool, limit: int) -> list:
    """Up to ``limit`` rows after ``position`` (before it, nearest first, when ``backwards``).

    The first column's range is a condition of its own, so an index on the order is read from the
    position on. NULLs of the first column sit apart in that index (last going forward, first
    going back), so the rows past its non-NULL values are a second query, run only if the first
    leaves the page short.
    """
    order = [_ordered(key, backwards) for key in keys]
    if position is None:
        return list(queryset.order_by(*order)[:limit])
    first, value = keys[0], position[0]
    beyond = _beyond(keys, position, backwards)
    if not first.nullable:
        segments = [_from(first, value, backwards) & beyond]
    elif value is None:
        # Forward, nothing non-NULL follows a NULL; backwards, all non-NULL rows do.
        null_block = Q(**{f"{first.field}__isnull": True}) & beyond
        segments = [null_block, Q(**{f"{first.field}__isnull": False})] if backwards else [null_block]
    else:
        non_null = _from(first, value, backwards) & beyond
        segments = [non_null] if backwards else [non_null, Q(**{f"{first.field}__isnull": True})]
    # Related rows are fetched once for the whole page, not once per read.
    lookups = queryset._prefetch_related_lookups
    rows: list = []
    for condition in segments:
        rows += queryset.prefetch_related(None).filter(condition).order_by(*order)[: limit - len(rows)]
        if len(rows) >= limit:
            break
    prefetch_related_objects(rows, *lookups)
    return rows


def _ordered(key: SortKey, backwards: bool) -> OrderBy:
    descending = key.descending != backwards
    column = F(key.field)
    # Forward NULLs come last; read backwards, first.
    nulls = {"nulls_first": True} if backwards else {"nulls_last": True}
    return column.desc(**nulls) if descending else column.asc(**nulls)


def _from(key: SortKey, value, backwards: bool) -> Q:
    """The first column at or past ``value``: the range an index on it is read over."""
    lookup = "lte" if key.descending != backwards else "gte"
    return Q(**{f"{key.field}__{lookup}": value})


def _beyond(keys: list[SortKey], position: list, backwards: bool) -> Q:
    """Rows strictly past ``position`` in the order (lexicographic, NULLs last going forward)."""
    condition = Q(pk__in=[])  # nothing is past the last key's value but what the keys say
    for key, value in reversed(list(zip(keys, position, strict=True))):
        after, same = _past(key, value, backwards)
        condition = after | (same & condition)
    return condition


def _past(key: SortKey, value, backwards: bool) -> tuple[Q, Q]:
    """(this column strictly past ``value``, this column equal to it)."""
    nothing = Q(pk__in=[])
    if value is None:
        # NULL is the end going forward, the start going backwards.
        past = Q(**{f"{key.field}__isnull": False}) if backwards else nothing
        return past, Q(**{f"{key.field}__isnull": True})
    lookup = "lt" if key.descending != backwards else "gt"
    past = Q(**{f"{key.field}__{lookup}": value})
    if key.nullable and not backwards:
        past |= Q(**{f"{key.field}__isnull": True})
    return past, Q(**{key.field: value})


def _values(row, keys: list[SortKey]) -> list:
    return [getattr(row, key.field) for key in keys]
