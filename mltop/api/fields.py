"""Serializer fields for query strings, shared by the apps' APIs."""

from rest_framework import serializers
from rest_framework.fields import empty

from . import dates


class PresentMeansGiven:
    """In a query string, ``?since=`` is a mistake to report, not a parameter left out (DRF's default)."""

    def get_value(self, dictionary):
        return dictionary.get(self.field_name, empty)


class QueryDateField(PresentMeansGiven, serializers.DateField):
    """YYYY-MM-DD only, worded as the filters' dates (``mltop.api.filters.StrictDateField``)."""

    def to_internal_value(self, value):
        if value == "":
            raise serializers.ValidationError(dates.EMPTY, code="empty")
        day = dates.parse_query_date(value) if isinstance(value, str) else None
        if day is None:
            raise serializers.ValidationError(dates.INVALID % {"value": dates.shown(value)}, code="invalid")
        return day


class QueryChoiceField(PresentMeansGiven, serializers.ChoiceField):
    pass
